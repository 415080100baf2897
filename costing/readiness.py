"""What a product category under a backflush trigger must have set, as one table.

The category form's required fields, the order's configuration banner, the posting path's
refusal (or its Failed posting) and the tests all read ``required_accounts``: a trigger's
accounts, named by the line kind each one receives. The shell maps a kind to the
category's account field (models/mrp_backflush_readiness.py).
"""

from .checks import InvalidValue
from .kinds import (
    CLEARING,
    CONVERSION,
    PRODUCTION_VARIANCE,
    SCRAP_VARIANCE,
    TRIGGER_COMPLETION,
    TRIGGER_COMPLETION_ONLY,
    TRIGGER_NONE,
    TRIGGER_SHIPMENT,
    USAGE_VARIANCE,
)

# Every trigger posts conversion applied, usage and production variances, and may meet
# scrap at any time (Odoo's Scrap button is always there), so its Scrap Variance account
# is needed before the first completion, not discovered at the first scrap.
_EVERY_TRIGGER = (CONVERSION, USAGE_VARIANCE, SCRAP_VARIANCE, PRODUCTION_VARIANCE)

REQUIRED_ACCOUNTS = {
    TRIGGER_NONE: (),
    TRIGGER_COMPLETION: _EVERY_TRIGGER,
    TRIGGER_SHIPMENT: _EVERY_TRIGGER,
    # Materials are not inventoried: their standard is credited to the clearing account
    # their vendor bills debit.
    TRIGGER_COMPLETION_ONLY: (*_EVERY_TRIGGER, CLEARING),
}


def required_accounts(trigger):
    """The line kinds whose account a category under ``trigger`` needs (None: no trigger)."""
    try:
        return REQUIRED_ACCOUNTS[trigger or TRIGGER_NONE]
    except KeyError:
        raise InvalidValue(f"unknown backflush trigger {trigger!r}") from None
