"""What the module's own code paths tell the code they call, out of every caller's reach.

Any XML-RPC or JSON-RPC caller sets any context key, so a plain value the module read
from the context would be a public switch (a scrap left uncosted, a delivery without an
entry, a register record rewritten). Each internal switch is therefore a unique object
kept in the context under its key: only code that imports it can put it there (RPC
carries strings, numbers, lists and dicts), and ``is_on`` compares identity, as OCA's
queue_job guards its job records (``EDIT_SENTINEL = object()``). A caller's ``True``
under the same key is ignored.

The module's costing runs on a context cleared of the caller's keys (``own_context``):
``default_*`` values, ``check_move_validity``, ``active_test``, the ``location`` a
quantity is read in and every other key reach neither the records it reads nor the
entries and register records it writes. README, "Context keys", lists what is kept.
"""


class InternalSwitch:
    """A context key only the module's own code can turn on."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __repr__(self):
        return f"<mrp_backflush internal switch {self.key}>"

    def on(self, records):
        """``records`` with this switch on, for the code they call."""
        return records.with_context(**{self.key: self})

    def is_on(self, records):
        return records.env.context.get(self.key) is self


# The Record Scrap / Variance wizard posts its scraps itself, in one entry per order.
SCRAP_BATCH = InternalSwitch("backflush_scrap_batch")
# A deferred or queued shipment posted later: reconcile its interim items, post nothing.
INTERIM_ONLY = InternalSwitch("backflush_interim_only")
# A lot changed on a done move line of a product not valued by lot: value unchanged.
LOT_SWAP = InternalSwitch("backflush_lot_swap")
# The posting path creating or updating register records (state, reversed quantity).
REGISTER_UPDATE = InternalSwitch("backflush_register_update")
# A standard cost update's own code writing its state, figures and entry preview.
UPDATE_FIGURES = InternalSwitch("backflush_standard_update_figures")
# Roll up standard cost writing a standard price: the standard history's source.
ROLL_UP = InternalSwitch("backflush_roll_up")


class StandardChanges:
    """What a standard cost update collects while it writes its new standards: Odoo's
    valuation layers of each change (stock_valuation_layer.py posts them in the update's
    one entry, not one entry each) and the standard history rows (product_product.py).

    Like an InternalSwitch, only the module's code can put one in the context (RPC
    cannot carry a Python object), and ``of`` takes nothing else for one."""

    KEY = "backflush_standard_changes"

    def __init__(self, date, source, update=None):
        self.date = date
        self.source = source
        self.update = update
        self.layer_ids = []  # every layer Odoo created
        self.posted_layer_ids = []  # those whose value Odoo would post
        self.history = []

    def on(self, records):
        return records.with_context(**{self.KEY: self})

    @classmethod
    def of(cls, records):
        """The collector in ``records``' context, or None."""
        changes = records.env.context.get(cls.KEY)
        return changes if isinstance(changes, cls) else None


# The caller's context keys the costing keeps: the language of labels and messages,
# the time zone of dates, the companies the user works in, and stock_account's accounting
# date of an inventory adjustment or transfer (Odoo dates its own entries by it; lock
# dates still refuse a locked one).
KEPT_CALLER_KEYS = ("lang", "tz", "allowed_company_ids", "force_period_date")


def own_context(records, **keys):
    """``records`` on a context with nothing of the caller's but KEPT_CALLER_KEYS, plus
    ``keys`` (internal switches already on stay on)."""
    context = records.env.context
    kept = {key: context[key] for key in KEPT_CALLER_KEYS if key in context}
    for switch in (SCRAP_BATCH, INTERIM_ONLY, LOT_SWAP, REGISTER_UPDATE):
        if switch.is_on(records):
            kept[switch.key] = switch
    return records.with_context(kept, **keys)
