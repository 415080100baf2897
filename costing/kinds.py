"""The keys and kinds of backflush costing: products, accounts, triggers, events, lines.

Products and accounts are opaque hashable keys: in Odoo they are integer record ids.
"""

from collections.abc import Hashable
from decimal import Decimal

ProductKey = Hashable
"""Identifies a product (a ``product.product`` id in Odoo)."""

AccountKey = Hashable
"""Identifies a general ledger account (an ``account.account`` id in Odoo)."""

ZERO = Decimal(0)

TRIGGER_NONE = "none"
"""No backflush: Odoo's own valuation posts every stock move."""

TRIGGER_COMPLETION = "completion"
"""Variant A: components were consumed from inventory (RIP) and are credited at actual
quantity times standard price; differences to the standard are usage variances."""

TRIGGER_COMPLETION_ONLY = "completion_only"
"""Variant C: components were never inventoried; the standard material is credited to a
clearing account and actual consumption is ignored."""

TRIGGER_SHIPMENT = "shipment"
"""Variant B: the finished units are not valued in the ledger until they are shipped, so
the completion posts only the usage variances (RIP follows the physical materials) and
by-products; RIP and conversion are relieved at standard by the shipment entry."""

TRIGGERS = (TRIGGER_COMPLETION, TRIGGER_COMPLETION_ONLY, TRIGGER_SHIPMENT)
"""The backflush triggers: under these, backflush and not Odoo posts an order's moves."""

RIP_TRIGGERS = (TRIGGER_COMPLETION, TRIGGER_SHIPMENT)
"""The triggers whose components are inventoried in RIP (Completion only's are not)."""

# Kinds of trigger events (and of their register records).
EVENT_COMPLETION = "completion"
EVENT_SHIPMENT = "shipment"
EVENT_SCRAP = "scrap"
EVENT_REVERSAL = "reversal"
EVENT_PERIOD_CLOSE = "period_close"
EVENT_ADJUSTMENT = "adjustment"
"""Finished units costed at shipment entering or leaving stock other than by delivery,
return, scrap or their order: an inventory count, a vendor receipt or return."""
EVENT_REVALUATION = "revaluation"
"""A change of standard revalued in what Odoo does not revalue (costing.revaluation)."""
EVENT_REWORK = "rework"
"""A finished unit under a trigger repaired with parts (costing.rework)."""
EVENT_KINDS = (
    EVENT_COMPLETION,
    EVENT_SHIPMENT,
    EVENT_SCRAP,
    EVENT_REVERSAL,
    EVENT_PERIOD_CLOSE,
    EVENT_ADJUSTMENT,
    EVENT_REVALUATION,
    EVENT_REWORK,
)

# Kinds of entry lines.
FINISHED = "finished"
MATERIAL = "material"
CLEARING = "clearing"
CONVERSION = "conversion"
USAGE_VARIANCE = "usage_variance"
PRODUCTION_VARIANCE = "production_variance"
BYPRODUCT = "byproduct"
ROUNDING = "rounding"
OUTPUT = "output"
"""The stock output (interim delivered) account debited by a shipment entry."""
SCRAP_VARIANCE = "scrap_variance"
CONVERSION_CONTROL = "conversion_control"
"""Actual conversion costs (labour and overhead), zeroed by a period close."""
REVALUATION = "revaluation"
"""The standard cost revaluation account, counterpart of a change of standard."""
REWORK_VARIANCE = "rework_variance"
"""The rework variance account: what repairs of finished units cost in parts."""
LINE_KINDS = (
    FINISHED,
    MATERIAL,
    CLEARING,
    CONVERSION,
    USAGE_VARIANCE,
    PRODUCTION_VARIANCE,
    BYPRODUCT,
    ROUNDING,
    OUTPUT,
    SCRAP_VARIANCE,
    CONVERSION_CONTROL,
    REVALUATION,
    REWORK_VARIANCE,
)
