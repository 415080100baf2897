from odoo import api, fields, models


class MrpBackflushReconciliationLine(models.TransientModel):
    _name = "mrp.backflush.reconciliation.line"
    _description = "Backflush Reconciliation Check Line"
    _order = "sequence, id"

    reconciliation_id = fields.Many2one(
        "mrp.backflush.reconciliation", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    currency_id = fields.Many2one(related="reconciliation_id.currency_id")
    account_id = fields.Many2one("account.account", string="RIP Account", readonly=True)
    ledger_balance = fields.Monetary(
        string="Ledger", readonly=True, help="Balance of the posted journal items at the date."
    )
    component_value = fields.Monetary(
        string="Components on Hand",
        readonly=True,
        help="Value of the stock valuation layers of the products valued in this account.",
    )
    finished_material = fields.Monetary(
        string="Finished Material on Hand",
        readonly=True,
        help="Shipment trigger: material standard of the finished units on hand, which "
        "stays in RIP until they are delivered (today's standard).",
    )
    expected_balance = fields.Monetary(
        string="Expected", readonly=True, help="Components on hand plus finished material."
    )
    difference = fields.Monetary(readonly=True, help="Ledger minus expected.")
    has_difference = fields.Boolean(compute="_compute_has_difference")

    @api.depends("difference", "currency_id")
    def _compute_has_difference(self):
        for line in self:
            currency = line.currency_id or line.env.company.currency_id
            line.has_difference = not currency.is_zero(line.difference)

    def action_open_journal_items(self):
        """The posted journal items behind the ledger balance."""
        self.ensure_one()
        check = self.reconciliation_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal Items of %s", self.account_id.display_name),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [
                ("company_id", "=", check.company_id.id),
                ("account_id", "=", self.account_id.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", check.date),
            ],
            "context": {"create": False},
            "target": "current",
        }
