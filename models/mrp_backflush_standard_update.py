from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, format_date, split_every

from ..costing import CostingError, condensed
from ..costing.money import to_decimal
from .internal_context import UPDATE_FIGURES

# Written by the update's own code only (UPDATE_FIGURES): over RPC a caller could
# otherwise schedule an update for the scheduled action to post, or mark one posted.
PROTECTED_FIELDS = {"state", "problems", "posting_id", "cancel_posting_id"}
# What the preview is computed from: a change sends a computed update back to draft.
PREVIEW_FIELDS = {"product_ids", "category_ids", "revaluation_account_id", "company_id"}

UPDATE_STATES = [
    ("draft", "Draft"),
    ("computed", "Computed"),
    ("scheduled", "Scheduled"),
    ("posted", "Posted"),
    ("cancelled", "Cancelled"),
]


class MrpBackflushStandardUpdate(models.Model):
    """A standard cost update: new standards for bought products, the made products above
    them rolled up level by level, previewed (Compute) and then set in one go with one
    revaluation entry per company (Post), on its effective date.

    Compute changes nothing in the books. Post writes each new standard through Odoo's
    own standard price change (stock_account product.product.write ->
    _change_standard_price, so that the valuation layers stay true) while a
    StandardChanges collects Odoo's layers and the history rows; the entry of the layers
    and of the material held for finished units on hand costed at shipment is posted by
    the register's one posting path (mrp.backflush.standard.update.post, a key per
    update: a second posting is refused by the database)."""

    _name = "mrp.backflush.standard.update"
    _inherit = ["mail.thread", "mrp.backflush.standard.update.post"]
    _description = "Standard Cost Update"
    _order = "effective_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    effective_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The day the new standards take effect: the revaluation entry is dated on it. "
        "A future date schedules the update, which a scheduled action posts on that day.",
    )
    revaluation_account_id = fields.Many2one(
        "account.account",
        string="Standard Cost Revaluation Account",
        check_company=True,
        default=lambda self: self.env.company.backflush_revaluation_account_id,
        tracking=True,
        help="Takes the difference of every revaluation. Empty: Odoo's own counterpart of "
        "a standard price change, the expense account of each product's category.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        domain=[("type", "=", "consu")],
        help="The products in scope: Compute walks every bill of materials below them.",
    )
    category_ids = fields.Many2many(
        "product.category",
        string="Categories",
        help="Every product of these categories is in scope too.",
    )
    state = fields.Selection(
        UPDATE_STATES, required=True, default="draft", readonly=True, copy=False, tracking=True
    )
    line_ids = fields.One2many("mrp.backflush.standard.update.line", "update_id", copy=False)
    total_ids = fields.One2many(
        "mrp.backflush.standard.update.total", "update_id", string="Entry Preview", copy=False
    )
    problems = fields.Text(readonly=True, copy=False)
    line_count = fields.Integer(compute="_compute_line_count")
    amount = fields.Monetary(
        string="Revaluation", compute="_compute_amount", help="The debits of the entry."
    )
    posting_id = fields.Many2one(
        "mrp.backflush.posting", string="Register Record", readonly=True, copy=False
    )
    move_id = fields.Many2one(related="posting_id.move_id", string="Journal Entry")
    cancel_posting_id = fields.Many2one(
        "mrp.backflush.posting", string="Cancellation Record", readonly=True, copy=False
    )
    cancel_move_id = fields.Many2one(related="cancel_posting_id.move_id", string="Reversal Entry")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for update in self:
            update.line_count = len(update.line_ids)

    @api.depends("total_ids.debit")
    def _compute_amount(self):
        for update in self:
            update.amount = sum(update.total_ids.mapped("debit"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._refuse_protected(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "mrp.backflush.standard.update"
                ) or self.env._("Standard Cost Update")
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")  # Odoo's access error before any rule of this model
        self._refuse_protected(vals)
        if not UPDATE_FIGURES.is_on(self):
            self._refuse_settled(vals)
        if UPDATE_FIGURES.is_on(self) or not set(vals) & PREVIEW_FIELDS:
            return super().write(vals)
        # Another scope or account makes the preview stale: compute again.
        computed = self.filtered(lambda update: update.state == "computed")
        result = super().write(vals)
        UPDATE_FIGURES.on(computed).write({"state": "draft"})
        return result

    def _refuse_settled(self, vals):
        """A posted or cancelled update stays as it was posted; a scheduled one only
        changes its date, by someone who may post it (the post checks it all again)."""
        scope = set(vals) & (PREVIEW_FIELDS | {"effective_date"})
        if not scope:
            return
        settled = self.filtered(lambda update: update.state in ("posted", "cancelled"))
        scheduled = self.filtered(lambda update: update.state == "scheduled")
        if scheduled and scope == {"effective_date"}:
            scheduled._check_post_rights()
            scheduled = scheduled.browse()
        if settled or scheduled:
            raise UserError(
                self.env._(
                    "%s is scheduled, posted or cancelled: set it back to draft to change it "
                    "(a posted one is cancelled and a new update made).",
                    ", ".join((settled | scheduled).mapped("name")),
                )
            )

    def _refuse_protected(self, vals):
        if set(vals) & PROTECTED_FIELDS and not UPDATE_FIGURES.is_on(self):
            raise UserError(
                self.env._(
                    "A standard cost update changes state through its buttons (Compute, Post, "
                    "Cancel, Reset to Draft), never by a write."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if self.filtered("posting_id"):
            raise UserError(self.env._("A posted standard cost update stays: cancel it instead."))

    def _scope(self):
        """The products in scope: those chosen and those of the chosen categories."""
        self.ensure_one()
        Product = self.env["product.product"].with_company(self.company_id)
        in_categories = (
            Product.search(
                [("categ_id", "child_of", self.category_ids.ids), ("type", "=", "consu")]
            )
            if self.category_ids
            else Product
        )
        return (self.product_ids | in_categories).with_company(self.company_id)

    # ------------------------------------------------------------------
    # Compute: the lines and the preview of the entry; nothing in the books.
    # ------------------------------------------------------------------

    def action_compute(self):
        for update in self:
            if update.state not in ("draft", "computed"):
                raise UserError(
                    self.env._(
                        "%(update)s is %(state)s: only a draft or computed update is computed.",
                        update=update.name,
                        state=update._state_label(),
                    )
                )
            UPDATE_FIGURES.on(update.with_company(update.company_id))._compute_lines()
        return True

    def _compute_lines(self):
        self.ensure_one()
        scope = self._scope()
        if not scope:
            raise UserError(
                self.env._("Choose the products (or categories) whose standards to update.")
            )
        # The bills of materials are read as the superuser: an accounting administrator
        # computes and posts without Manufacturing rights (the update is theirs to run).
        Rollup = self.env["mrp.backflush.standard.rollup"].sudo()
        bom_of, level_of, kits = Rollup._walk(scope.sudo(), self.company_id)
        lines = self._lines_for(level_of)
        figures = self._roll_up(lines, level_of, bom_of, kits)
        self._value_on_hand(lines, figures)
        self._preview(figures)
        self.problems = "\n".join(self._problems(scope, bom_of, figures)) or False
        self._write_figures(figures)
        self.state = "computed"

    def _lines_for(self, level_of):
        """A line per product reached, ordered by level; an existing line keeps its
        planned price, a new one starts at the current standard."""
        self.line_ids.filtered(lambda line: line.product_id not in level_of).unlink()
        present = set(self.line_ids.product_id.ids)
        self.env["mrp.backflush.standard.update.line"].create(
            [
                {
                    "update_id": self.id,
                    "product_id": product.id,
                    "planned_price": product.standard_price,
                }
                for product in level_of
                if product.id not in present
            ]
        )
        return self.line_ids.sorted(lambda line: (level_of[line.product_id], line.product_id.id))

    def _roll_up(self, lines, level_of, bom_of, kits):
        """Each line's figures, level by level ({line id: {field: value}}), each made
        product rolled up from the new standards of the lines before it."""
        Rollup = self.env["mrp.backflush.standard.rollup"].sudo()
        prices, figures = {}, {}
        for line in lines:
            product = line.product_id.sudo().with_company(self.company_id)
            bom = bom_of.get(product)
            row = {
                "product": product,
                "level": level_of[product],
                "bom_id": bom.id if bom else None,
                "current_standard": product.standard_price,
                "at_standard": product.cost_method == "standard",
                "material_per_unit": 0.0,
                "conversion_per_unit": 0.0,
                "byproducts_per_unit": 0.0,
            }
            if not row["at_standard"]:
                new = row["current_standard"]  # rolled up at its cost, never changed
            elif bom:
                try:
                    material, conversion, byproducts, new = Rollup._rolled_up(
                        product, bom, prices, kits
                    )
                except CostingError as error:
                    raise UserError(
                        self.env._(
                            "%(product)s cannot be rolled up: %(error)s",
                            product=product.display_name,
                            error=error,
                        )
                    ) from None
                row.update(
                    material_per_unit=material,
                    conversion_per_unit=conversion,
                    byproducts_per_unit=byproducts,
                )
            else:
                new = line.planned_price
            row["new_standard"] = new
            prices[product.id] = new
            figures[line.id] = row
        return figures

    def _value_on_hand(self, lines, figures):
        """Each line's units on hand and their revaluation, as Odoo's standard price
        change will value them (stock_account _change_standard_price)."""
        products = lines.product_id.sudo().with_company(self.company_id)
        quantity_of = {p.id: (p.quantity_svl, p.value_svl) for p in products}
        currency = self.company_id.currency_id
        for line in lines:
            row = figures[line.id]
            quantity, value = quantity_of[line.product_id.id]
            revaluation = 0.0
            moves = row["at_standard"] and self._price_moves(row) and quantity > 0
            if moves and self._posts_stock(line.product_id, row["bom_id"]):
                revaluation = currency.round(row["new_standard"] * quantity - value)
            accounts = line.product_id.product_tmpl_id.with_company(
                self.company_id
            ).get_product_accounts()
            row.update(
                quantity_on_hand=quantity,
                stock_revaluation=revaluation,
                stock_account_id=accounts["stock_valuation"].id or None,
            )

    def _price_moves(self, row):
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return (
            float_compare(row["new_standard"], row["current_standard"], precision_digits=digits)
            != 0
        )

    def _moves(self, line):
        return self._price_moves(
            {"new_standard": line.new_standard, "current_standard": line.current_standard}
        )

    def _changed_lines(self):
        return self.line_ids.filtered(lambda line: line.at_standard and self._moves(line))

    def _preview(self, figures):
        """The entry as Post will post it, per account, and each holder's share."""
        changed = [row for row in figures.values() if row["at_standard"] and self._price_moves(row)]
        Product = self.env["product.product"]
        holders = self._holders(Product.concat(*(row["product"] for row in changed)))
        before = self._held_on_hand(holders)
        prices = {row["product"].id: row["new_standard"] for row in figures.values()}
        after = self._held_on_hand(holders, prices)
        stock = [
            self._stock_revaluation(row["product"], to_decimal(row["stock_revaluation"]))
            for row in changed
            if row["stock_revaluation"]
        ]
        result = self._entry(stock, before, after)
        held = self._held_change_by_product(before, after)
        for row in figures.values():
            row["held_revaluation"] = float(held.get(row["product"].id, 0))
        self._write_totals(result.entry)

    def _write_figures(self, figures):
        """Write every line's figures in one statement per thousand lines: through the
        ORM, the conversion of each figure to its precision costs more than the roll-up
        at 10,000 products (tools/bench --standards)."""
        Line = self.env["mrp.backflush.standard.update.line"]
        columns = [
            ("level", "int4"),
            ("bom_id", "int4"),
            ("current_standard", "float8"),
            ("at_standard", "bool"),
            ("material_per_unit", "float8"),
            ("conversion_per_unit", "float8"),
            ("byproducts_per_unit", "float8"),
            ("new_standard", "float8"),
            ("quantity_on_hand", "float8"),
            ("stock_revaluation", "numeric"),
            ("stock_account_id", "int4"),
            ("held_revaluation", "numeric"),
        ]
        digits = self.env["decimal.precision"].precision_get("Product Price")
        rounded = {
            "current_standard",
            "material_per_unit",
            "conversion_per_unit",
            "byproducts_per_unit",
            "new_standard",
        }
        rows = [
            (
                line_id,
                *(
                    round(row[name], digits) if name in rounded else row[name]
                    for name, _type in columns
                ),
            )
            for line_id, row in figures.items()
        ]
        assignments = SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name, _t in columns
        )
        casts = SQL(", ").join(
            SQL("%s::%s", SQL.identifier(name), SQL(sql_type)) for name, sql_type in columns
        )
        names = SQL(", ").join(SQL.identifier(name) for name, _t in columns)
        Line.flush_model()
        for chunk in split_every(1000, rows):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mrp_backflush_standard_update_line AS line
                       SET %(assignments)s, change = v.new_standard - v.current_standard,
                           is_made = v.bom_id IS NOT NULL
                      FROM (SELECT id, %(casts)s FROM (VALUES %(values)s)
                            AS raw (id, %(names)s)) AS v
                     WHERE line.id = v.id
                    """,
                    assignments=assignments,
                    casts=casts,
                    values=SQL(", ").join(SQL("%s", row) for row in chunk),
                    names=names,
                )
            )
        Line.invalidate_model()

    def _write_totals(self, entry):
        """One row per account and kind of ``entry`` (a costing Entry), as it is posted."""
        self.total_ids.unlink()
        Entry = self.env["mrp.backflush.entry"]
        rows = {}
        for line in condensed(entry).lines:
            rows.setdefault((line.account, line.kind, line.label), line)
        self.env["mrp.backflush.standard.update.total"].create(
            [
                {
                    "update_id": self.id,
                    "sequence": index,
                    "account_id": line.account,
                    "description": Entry._line_label(line),
                    "debit": float(line.debit),
                    "credit": float(line.credit),
                }
                for index, line in enumerate(rows.values())
            ]
        )

    def _problems(self, scope, bom_of, figures):
        """What Compute could not roll up, listed rather than guessed."""
        problems = []
        trigger_of = {categ: categ._backflush_trigger() for categ in scope.categ_id}
        no_bill = scope.filtered(
            lambda p: p not in bom_of and trigger_of[p.categ_id] not in (False, "none")
        )
        if no_bill:
            problems.append(
                self.env._(
                    "No bill of materials, so not rolled up (its planned price is used as it "
                    "is): %s",
                    ", ".join(no_bill.mapped("display_name")),
                )
            )
        not_standard = self.env["product.product"].concat(
            *(row["product"] for row in figures.values() if not row["at_standard"])
        )
        if not_standard:
            problems.append(
                self.env._(
                    "Not at Standard Price (rolled up at their current cost, not changed): %s",
                    ", ".join(not_standard.mapped("display_name")),
                )
            )
        return problems

    # ------------------------------------------------------------------
    # States
    # ------------------------------------------------------------------

    def action_draft(self):
        for update in self:
            if update.state not in ("computed", "scheduled", "cancelled") or update.posting_id:
                raise UserError(self.env._("%s cannot go back to draft.", update.name))
        UPDATE_FIGURES.on(self).write({"state": "draft"})
        return True

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview of %s", self.name),
            "res_model": "mrp.backflush.standard.update.line",
            "view_mode": "pivot,list",
            "views": [(False, "pivot"), (False, "list")],
            "domain": [("update_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_move(self):
        self.ensure_one()
        return self.posting_id.action_view_move()

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_post_rights(self):
        user = self.env.user
        if not (self.env.su or user.has_group("account.group_account_manager")):
            raise AccessError(
                self.env._(
                    "Only an accounting administrator (Invoicing / Administrator) posts or "
                    "cancels a standard cost update; a manufacturing administrator prepares "
                    "and computes it."
                )
            )

    def _refuse_locked(self, date):
        company = self.company_id
        violated = company._get_violated_lock_dates(date, False, company.backflush_journal_id)
        if violated:
            raise UserError(
                self.env._(
                    "%(update)s would be dated %(date)s, in a locked period (%(locks)s): "
                    "choose an effective date after the lock date.",
                    update=self.name,
                    date=format_date(self.env, date),
                    locks=company._format_lock_dates(violated),
                )
            )

    @api.model
    def _cron_post_scheduled(self):
        """Post the scheduled updates whose effective date has come, each on its own: one
        that cannot be posted says why in its chatter and stays scheduled."""
        due = self.search(
            [("state", "=", "scheduled"), ("effective_date", "<=", fields.Date.context_today(self))]
        )
        for update in due:
            try:
                with self.env.cr.savepoint():
                    UPDATE_FIGURES.on(update.with_company(update.company_id))._post_now()
            except (UserError, CostingError) as error:
                update._message_log(
                    body=self.env._("Not posted on its effective date: %s", error.args[0])
                )
