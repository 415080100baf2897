from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, format_date

from ..costing import CostingError, condensed
from ..costing.money import to_decimal

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
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "mrp.backflush.standard.update"
                ) or self.env._("Standard Cost Update")
        return super().create(vals_list)

    def write(self, vals):
        # Another scope or account makes the preview stale: compute again before Post.
        if set(vals) & {"product_ids", "category_ids", "revaluation_account_id", "company_id"}:
            computed = self.filtered(lambda update: update.state == "computed")
            result = super().write(vals)
            computed.write({"state": "draft"})
            return result
        return super().write(vals)

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
            update.with_company(update.company_id)._compute_lines()
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
        lines = self._lines_for(level_of, bom_of)
        prices = self._roll_up(lines, bom_of, kits)
        self._value_on_hand(lines)
        self._preview(lines, prices)
        self.problems = "\n".join(self._problems(scope, bom_of, lines)) or False
        self.state = "computed"

    def _lines_for(self, level_of, bom_of):
        """A line per product reached, ordered by level; an existing line keeps its
        planned price, a new one starts at the current standard."""
        existing = {line.product_id: line for line in self.line_ids}
        self.line_ids.filtered(lambda line: line.product_id not in level_of).unlink()
        new_vals = []
        for product, level in level_of.items():
            vals = {
                "level": level,
                "bom_id": bom_of[product].id if product in bom_of else False,
                "current_standard": product.standard_price,
                "at_standard": product.cost_method == "standard",
            }
            if product in existing:
                existing[product].write(vals)
            else:
                new_vals.append(
                    {
                        **vals,
                        "update_id": self.id,
                        "product_id": product.id,
                        "planned_price": product.standard_price,
                    }
                )
        self.env["mrp.backflush.standard.update.line"].create(new_vals)
        return self.line_ids.sorted(lambda line: (line.level, line.product_id.id))

    def _roll_up(self, lines, bom_of, kits):
        """Write each line's new standard, level by level: {product id: new standard}."""
        Rollup = self.env["mrp.backflush.standard.rollup"].sudo()
        prices = {}
        for line in lines:
            product = line.product_id.sudo().with_company(self.company_id)
            vals = {
                "material_per_unit": 0.0,
                "conversion_per_unit": 0.0,
                "byproducts_per_unit": 0.0,
            }
            if not line.at_standard:
                new = line.current_standard  # rolled up at its cost, never changed
            elif product in bom_of:
                try:
                    material, conversion, byproducts, new = Rollup._rolled_up(
                        product, bom_of[product], prices, kits
                    )
                except CostingError as error:
                    raise UserError(
                        self.env._(
                            "%(product)s cannot be rolled up: %(error)s",
                            product=product.display_name,
                            error=error,
                        )
                    ) from None
                vals.update(
                    material_per_unit=material,
                    conversion_per_unit=conversion,
                    byproducts_per_unit=byproducts,
                )
            else:
                new = line.planned_price
            vals["new_standard"] = new
            # The lines' own write would set a computed update back to draft: no planned
            # price is written here.
            line.write(vals)
            prices[product.id] = new
        return prices

    def _value_on_hand(self, lines):
        """Each line's units on hand and their revaluation, as Odoo's standard price
        change will value them (stock_account _change_standard_price)."""
        products = lines.product_id.with_company(self.company_id)
        quantity_of = {p.id: (p.sudo().quantity_svl, p.sudo().value_svl) for p in products}
        currency = self.company_id.currency_id
        for line in lines:
            quantity, value = quantity_of[line.product_id.id]
            revaluation = 0.0
            if (
                line.at_standard
                and self._moves(line)
                and quantity > 0
                and self._posts_stock(line)
            ):
                revaluation = currency.round(line.new_standard * quantity - value)
            accounts = line.product_id.product_tmpl_id.with_company(
                self.company_id
            ).get_product_accounts()
            line.write(
                {
                    "quantity_on_hand": quantity,
                    "stock_revaluation": revaluation,
                    "stock_account_id": accounts["stock_valuation"].id,
                }
            )

    def _moves(self, line):
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return float_compare(line.new_standard, line.current_standard, precision_digits=digits) != 0

    def _changed_lines(self):
        return self.line_ids.filtered(lambda line: line.at_standard and self._moves(line))

    def _preview(self, lines, prices):
        """The entry as Post will post it, per account (and each holder's share)."""
        changed = self._changed_lines()
        holders = self._holders(changed.product_id)
        before = self._held_on_hand(holders)
        after = self._held_on_hand(holders, prices)
        stock = [
            self._stock_revaluation(line.product_id, to_decimal(line.stock_revaluation))
            for line in changed
            if line.stock_revaluation
        ]
        result = self._entry(stock, before, after)
        self._write_held_shares(lines, before, after)
        self._write_totals(result.entry)

    def _write_held_shares(self, lines, before, after):
        change = self._held_change_by_product(before, after)
        for line in lines:
            line.held_revaluation = float(change.get(line.product_id.id, 0))

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

    def _problems(self, scope, bom_of, lines):
        """What Compute could not roll up, listed rather than guessed."""
        problems = []
        no_bill = scope.filtered(
            lambda p: p not in bom_of and p.categ_id._backflush_trigger() not in (False, "none")
        )
        if no_bill:
            problems.append(
                self.env._(
                    "No bill of materials, so not rolled up (its planned price is used as it "
                    "is): %s",
                    ", ".join(no_bill.mapped("display_name")),
                )
            )
        not_standard = lines.filtered(lambda line: not line.at_standard).product_id
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
        self.write({"state": "draft"})
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
                    update.with_company(update.company_id)._post_now()
            except (UserError, CostingError) as error:
                update._message_log(
                    body=self.env._("Not posted on its effective date: %s", error.args[0])
                )
