"""A backflush trigger event: what one posting of the register is made of.

Every trigger (completion, shipment or return, scrap, unbuild, period close) builds one
``Event`` in one constructor of the Odoo shell; one posting path turns it into a journal
entry and a register record. The value holds record ids, never records, so that an event
can be stored and posted later exactly as it would have been posted at the time.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .checks import InvalidValue, check_decimal
from .entry import Entry
from .kinds import EVENT_KINDS, TRIGGER_NONE, TRIGGERS
from .values import CompletionSummary

RecordId = int
"""The id of an Odoo record (0 or None: no record)."""


@dataclass(frozen=True)
class Event:
    """One backflush trigger event, ready to post.

    Attributes:
      key: Identifies the event; the register refuses a second posting of the same key
        (e.g. ``completion:<finished stock move id>``, ``shipment:<valuation layer id>``).
      kind: One of EVENT_KINDS, the register record's kind.
      company: The company posting it.
      name: The register record's reference (order, transfer, scrap or close name).
      ref: The journal entry's reference.
      entry: The costing Entry to post (may be empty: the register record alone).
      summary: The key figures shown on the register record.
      quantity: Units of the finished product the event is about (0 for a close).
      date: The event's date; None for today. A locked date is moved by Odoo to the
        first open day, and the register says so.
      trigger: The finished product's backflush trigger, or None (a period close).
      product: The finished product.
      production: The manufacturing order.
      picking: The transfer (shipments and returns).
      unbuild: The unbuild order (reversals of completions).
      repair: The repair order (rework), from Odoo's Repairs app through the
        mrp_backflush_repair bridge.
      stock_move: The finished or delivered stock move the event costs.
      reversed_posting: The register record whose share a reversal undoes.
      scraps: The ``stock.scrap`` records a scrap event posts.
      workcenters: The work centres of the order.
      valuation_layers: The stock valuation layers the entry is linked to.
      period_start, period_end: The range of a period close.
      note: A note kept on the register record.
      reason: Why it happened, as the register groups it (a scrap's reasons, a
        repair's tags), or None.
      journal: The journal of the entry; None for the company's backflush journal.
      base_entry: Odoo's own entry values (without lines) that the entry starts from,
        or None. Shipments keep Odoo's delivery entry (journal, stock move link,
        partner) so that the customer invoice still reconciles with it.
      base_line: Odoo's own journal item that the entry's lines take their label and
        partner from, and whose amount the ``output`` line replaces; or None.
    """

    key: str
    kind: str
    company: RecordId
    name: str
    ref: str
    entry: Entry
    summary: CompletionSummary
    quantity: Decimal
    date: datetime.date | None = None
    trigger: str | None = None
    product: RecordId | None = None
    production: RecordId | None = None
    picking: RecordId | None = None
    unbuild: RecordId | None = None
    repair: RecordId | None = None
    stock_move: RecordId | None = None
    reversed_posting: RecordId | None = None
    scraps: tuple[RecordId, ...] = ()
    workcenters: tuple[RecordId, ...] = ()
    valuation_layers: tuple[RecordId, ...] = ()
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    note: str | None = None
    reason: str | None = None
    journal: RecordId | None = None
    base_entry: Mapping | None = field(default=None, compare=False)
    base_line: Mapping | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.key:
            raise InvalidValue("Event.key must not be empty")
        if self.kind not in EVENT_KINDS:
            raise InvalidValue(f"Event.kind must be one of {EVENT_KINDS}, got {self.kind!r}")
        if self.trigger is not None and self.trigger not in (TRIGGER_NONE, *TRIGGERS):
            raise InvalidValue(f"Event.trigger is not a trigger: {self.trigger!r}")
        if not isinstance(self.entry, Entry):
            raise InvalidValue("Event.entry must be an Entry")
        if not isinstance(self.summary, CompletionSummary):
            raise InvalidValue("Event.summary must be a CompletionSummary")
        check_decimal(self, "quantity", self.quantity)
        for name in ("scraps", "workcenters", "valuation_layers"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


NO_FIGURES = CompletionSummary(
    finished_value=Decimal(0),
    material_standard=Decimal(0),
    material_actual=Decimal(0),
    conversion_standard=Decimal(0),
    usage_variance=Decimal(0),
    byproduct_value=Decimal(0),
    production_variance=Decimal(0),
    rounding=Decimal(0),
)
"""The figures of an event not costed yet (a queued posting)."""

NO_ENTRY = Entry(())
"""The entry of an event not costed yet."""
