from . import test_completion
from . import test_reversal
from . import test_shipment
from . import test_configuration
from . import test_rights
from . import test_standard_cost
from . import test_scrap
