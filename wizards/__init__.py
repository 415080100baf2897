from . import mrp_backflush_variance_wizard
from . import mrp_backflush_conversion_close_wizard
from . import mrp_backflush_reconciliation_wizard
