import dataclasses

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date, groupby

from ..costing import (
    EVENT_REVALUATION,
    NO_FIGURES,
    TRIGGER_SHIPMENT,
    ZERO,
    Entry,
    EntryLine,
    Event,
    StockRevaluation,
    finished_material,
    standard_update_entry,
    to_decimal,
)
from .internal_context import REGISTER_UPDATE, UPDATE_FIGURES, StandardChanges

EVENT_KEY = "standard_update:{update}"
CANCEL_KEY = "standard_update_cancel:{update}"


class MrpBackflushStandardUpdatePost(models.AbstractModel):
    """Post and cancel of a standard cost update (mrp.backflush.standard.update), and
    what Compute's preview and Post share: the finished units on hand that hold the
    changed products, and the one entry."""

    _name = "mrp.backflush.standard.update.post"
    _description = "Backflush Standard Cost Update: Post and Cancel"

    # ------------------------------------------------------------------
    # Shared with the preview
    # ------------------------------------------------------------------

    def _holders(self, products):
        """The products costed at shipment whose unit standard holds one of ``products``."""
        if not products:
            return self.env["product.product"]
        return (
            self.env["mrp.backflush.revaluation"].with_company(self.company_id)._holders(products)
        )

    def _held_on_hand(self, standards):
        """The finished units on hand (FinishedOnHand) of ``standards``
        ([(holder, UnitStandard)], mrp.backflush.revaluation._held_standards)."""
        Books = self.env["mrp.backflush.books"].sudo().with_company(self.company_id)
        return Books._finished_on_hand(self.company_id, fields.Date.context_today(self), standards)

    def _held_change_by_product(self, before, after):
        """{holder id: Decimal change of the material its units on hand hold}."""
        rounding = to_decimal(self.company_id.currency_id.rounding)
        change = {}
        for side, items in ((-1, before), (1, after)):
            for item in items:
                held = sum(finished_material(item.quantity, item.standard, rounding).values(), ZERO)
                change[item.product] = change.get(item.product, ZERO) + side * held
        return change

    def _posts_stock(self, product, bom_id):
        """Whether a change of ``product``'s standard posts the value of its own units on
        hand (stock_valuation_layer.py: not under the shipment trigger, where finished
        goods are not in the ledger; not with manual valuation). ``bom_id``, its bill of
        materials, stands for product._backflush_is_shipment_costed's."""
        product = product.with_company(self.company_id)
        shipment = product.categ_id._backflush_trigger() == TRIGGER_SHIPMENT and bom_id
        return product.valuation == "real_time" and not shipment

    def _stock_revaluation(self, product, amount):
        accounts = product.product_tmpl_id.with_company(self.company_id).get_product_accounts()
        counterpart = self.revaluation_account_id or accounts["expense"]
        if not accounts["stock_valuation"] or not counterpart:
            raise UserError(
                self.env._(
                    "%(product)s is revalued and its category has no %(what)s: set it on the "
                    "category, or choose this update's Standard Cost Revaluation account.",
                    product=product.display_name,
                    what=self.env._("stock valuation account")
                    if not accounts["stock_valuation"]
                    else self.env._("expense account"),
                )
            )
        return StockRevaluation(product.id, accounts["stock_valuation"].id, amount, counterpart.id)

    def _entry(self, stock, before, after):
        """The update's costing entry: ``stock`` (StockRevaluation) and the change of the
        material held from ``before`` to ``after``, each holder against the update's
        revaluation account (or, unset, mrp.backflush.revaluation's counterpart)."""
        Revaluation = self.env["mrp.backflush.revaluation"].with_company(self.company_id)
        after_of = {item.product: item for item in after}
        groups = {}
        for item in before:
            account = self.revaluation_account_id or Revaluation._revaluation_account(
                self.env["product.product"].browse(item.product)
            )
            group = groups.setdefault(account.id, ([], []))
            group[0].append(item)
            group[1].append(after_of[item.product])
        held = [(account, old, new) for account, (old, new) in groups.items()]
        rounding = to_decimal(self.company_id.currency_id.rounding)
        return standard_update_entry(stock, held, rounding)

    # ------------------------------------------------------------------
    # Post
    # ------------------------------------------------------------------

    def action_post(self):
        """Post the computed updates dated today or earlier; schedule the others."""
        self._check_post_rights()
        today = fields.Date.context_today(self)
        for update in self:
            update = UPDATE_FIGURES.on(update.with_company(update.company_id))
            update._check_postable()
            if update.effective_date > today:
                update.state = "scheduled"
                update._message_log(
                    body=self.env._(
                        "Scheduled: posted on %s by the scheduled action.",
                        format_date(self.env, update.effective_date),
                    )
                )
            else:
                update._post_checked()
        return True

    def _lock(self):
        """Hold this update's row until the transaction ends (two Posts wait for each
        other, the second then finds it posted), and read its state again."""
        self.env.cr.execute(
            "SELECT id FROM mrp_backflush_standard_update WHERE id = %s FOR UPDATE", [self.id]
        )
        self.invalidate_recordset(["state", "posting_id"])

    def _check_postable(self):
        self.ensure_one()
        self._lock()
        if self.state in ("posted", "cancelled"):
            raise UserError(
                self.env._(
                    "%(update)s is already %(state)s: an update is posted once. Make a new "
                    "update to change these standards again.",
                    update=self.name,
                    state=self._state_label().lower(),
                )
            )
        if self.state not in ("computed", "scheduled"):
            raise UserError(
                self.env._(
                    "%(update)s is %(state)s: compute it, check the preview, then post it.",
                    update=self.name,
                    state=self._state_label(),
                )
            )
        self._refuse_locked(self.effective_date)
        self._refuse_stale()
        self._refuse_same_day()
        if not self._changed_lines():
            raise UserError(
                self.env._("%s changes no standard: there is nothing to post.", self.name)
            )

    def _refuse_stale(self):
        """Refuse when a standard changed since Compute: the preview is no longer true."""
        digits = self.env["decimal.precision"].precision_get("Product Price")
        stale = self.line_ids.filtered(
            lambda line: float_compare(
                line.product_id.standard_price, line.current_standard, precision_digits=digits
            )
        )
        if stale:
            raise UserError(
                self.env._(
                    "The standard of %s changed since this update was computed: compute it again.",
                    ", ".join(stale.product_id.mapped("display_name")),
                )
            )

    def _refuse_same_day(self):
        """Two updates of one product on one date would leave its standard undecided."""
        changed = self._changed_lines().product_id
        others = self.search(
            [
                ("id", "!=", self.id),
                ("company_id", "=", self.company_id.id),
                ("effective_date", "=", self.effective_date),
                ("state", "in", ("scheduled", "posted")),
            ]
        )
        for other in others:
            both = other._changed_lines().product_id & changed
            if both:
                raise UserError(
                    self.env._(
                        "%(other)s already changes the standard of %(products)s on %(date)s: "
                        "one update per product and date. Remove them here, change the "
                        "date, or cancel %(other)s.",
                        other=other.name,
                        products=", ".join(both.mapped("display_name")),
                        date=format_date(self.env, self.effective_date),
                    )
                )

    def _post_now(self):
        """Check, then post (the scheduled action's way in)."""
        self.ensure_one()
        self._check_postable()
        self._post_checked()

    def _post_checked(self):
        """Set the new standards and post the one entry (see the class docstring); the
        update was locked and checked by _check_postable in this transaction."""
        self.ensure_one()
        changed = self._changed_lines()
        holders = self._holders(changed.product_id)
        Revaluation = self.env["mrp.backflush.revaluation"].with_company(self.company_id)
        before = self._held_on_hand(Revaluation._held_standards(holders))
        changes = StandardChanges(self.effective_date, "update", self)
        self._write_standards(changes, [(line.product_id, line.new_standard) for line in changed])
        # Read again, from the standards Odoo now holds: what a delivery will credit.
        after = self._held_on_hand(Revaluation._held_standards(holders))
        Layer = self.env["stock.valuation.layer"].sudo()
        layers = Layer.browse(changes.layer_ids)
        stock = [
            self._stock_revaluation(layer.product_id, to_decimal(layer.value))
            for layer in Layer.browse(changes.posted_layer_ids)
            if layer.product_id.valuation == "real_time"
        ]
        result = self._entry(stock, before, after)
        posting = self._post_event(
            EVENT_KEY, result.entry, result.summary, self.effective_date, layers
        )
        self.env["mrp.backflush.standard.history"].sudo().create(changes.history)
        self.write({"state": "posted", "posting_id": posting.id})
        self._message_log(body=self.env._("Posted: %s", posting.move_id.name or posting.name))

    def _write_standards(self, changes, prices, context=None):
        """Write ``prices`` ([(product, standard)]) in as few writes as there are
        distinct standards, ``changes`` collecting what Odoo creates."""
        # As the superuser: the right to post the update is checked (_check_post_rights);
        # Odoo would also ask an Invoicing administrator for the valuation layers' and the
        # products' rights, which Community gives to neither.
        Product = self.env["product.product"].sudo().with_company(self.company_id)
        # Odoo's _change_standard_price reads each product's units and value on hand:
        # read them for all at once (one query, not one per product).
        Product.browse([product.id for product, _price in prices]).mapped("value_svl")
        for price, items in groupby(prices, key=lambda item: item[1]):
            products = Product.browse([product.id for product, _price in items])
            changes.on(products.with_context(**(context or {}))).write({"standard_price": price})

    def _post_event(self, key, entry, summary, date, layers):
        name = self.env._("Standard Cost Update %s", self.name)
        event = Event(
            key=key.format(update=self.id),
            kind=EVENT_REVALUATION,
            company=self.company_id.id,
            name=name if key == EVENT_KEY else self.env._("Cancellation of %s", name),
            ref=self.name,
            entry=entry,
            summary=summary,
            quantity=ZERO,
            date=date,
            trigger=TRIGGER_SHIPMENT,
            valuation_layers=tuple(layers.ids),
        )
        posting = self.env["mrp.backflush.posting.path"]._post_events([event])
        REGISTER_UPDATE.on(posting).write({"standard_update_id": self.id})
        return posting

    # ------------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Cancel a draft, computed or scheduled update; a posted one is reversed
        exactly, while no later event has used its standards."""
        for update in self:
            update = UPDATE_FIGURES.on(update.with_company(update.company_id))
            if update.state == "posted":
                update._check_post_rights()
                update._cancel_posted()
            elif update.state == "cancelled":
                continue
            else:
                if update.state == "scheduled":
                    update._check_post_rights()
                update.state = "cancelled"
        return True

    def _cancel_posted(self):
        self._lock()
        used = self._used_since()
        if used:
            raise UserError(
                self.env._(
                    "%(update)s cannot be cancelled: its standards have been used since it "
                    "was posted (%(used)s). Post a new update to change them.",
                    update=self.name,
                    used=used,
                )
            )
        date = self.posting_id.move_id.date or self.effective_date
        if self.company_id._get_violated_lock_dates(
            date, False, self.company_id.backflush_journal_id
        ):
            date = fields.Date.context_today(self)
            self._refuse_locked(date)
        changed = self._changed_lines()
        changes = StandardChanges(date, "cancellation", self)
        # Set the old standards back without Odoo's revaluation: its layer would be
        # valued from the value on hand, not the exact opposite of the update's layers.
        self._write_standards(
            changes,
            [(line.product_id, line.current_standard) for line in changed],
            context={"disable_auto_svl": True},
        )
        layers = (
            self.env["stock.valuation.layer"]
            .sudo()
            .create(
                [
                    {
                        "company_id": layer.company_id.id,
                        "product_id": layer.product_id.id,
                        "description": self.env._("Cancellation of %s", self.name),
                        "value": -layer.value,
                        "quantity": 0,
                    }
                    for layer in self.posting_id.valuation_layer_ids
                ]
            )
        )
        entry = Entry(
            tuple(
                EntryLine(line.account, -line.amount, line.kind, product=line.product)
                for line in self.posting_id._entry_lines()
            )
        )
        summary = dataclasses.replace(
            NO_FIGURES, material_standard=-to_decimal(self.posting_id.material_standard)
        )
        posting = self._post_event(CANCEL_KEY, entry, summary, date, layers)
        self.env["mrp.backflush.standard.history"].sudo().create(changes.history)
        self.write({"state": "cancelled", "cancel_posting_id": posting.id})
        self._message_log(
            body=self.env._("Cancelled: reversed by %s", posting.move_id.name or posting.name)
        )

    def _used_since(self):
        """In words, what has used this update's standards since it was posted: stock
        moved of its products or of the finished units holding them, or a later update
        of them. Empty when nothing has."""
        changed = self._changed_lines().product_id
        products = changed | self._holders(changed)
        last_layer = max(self.posting_id.valuation_layer_ids.ids or [0])
        since = self.posting_id.create_date
        moved = (
            self.env["stock.valuation.layer"]
            .sudo()
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("company_id", "=", self.company_id.id),
                    ("quantity", "!=", 0),
                    "|",
                    ("id", ">", last_layer),
                    ("create_date", ">", since),
                ],
                limit=5,
            )
        )
        if moved:
            return self.env._(
                "stock moved: %s",
                ", ".join(
                    moved.stock_move_id.mapped("reference")
                    or moved.product_id.mapped("display_name")
                ),
            )
        later = self.search(
            [
                ("id", "!=", self.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "posted"),
                ("posting_id", ">", self.posting_id.id),
            ]
        ).filtered(lambda other: other._changed_lines().product_id & changed)
        if later:
            return self.env._("later updates: %s", ", ".join(later.mapped("name")))
        return ""
