from odoo import fields, models


class MrpBackflushStandardUpdateTotal(models.Model):
    """One journal item of a standard cost update's entry as Compute previews it (and as
    Post posts it): an account, what it holds, and its amount."""

    _name = "mrp.backflush.standard.update.total"
    _description = "Backflush Standard Cost Update Total per Account"
    _order = "update_id, sequence, id"

    update_id = fields.Many2one(
        "mrp.backflush.standard.update", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    company_id = fields.Many2one(related="update_id.company_id", store=True)
    currency_id = fields.Many2one(related="update_id.company_id.currency_id")
    account_id = fields.Many2one("account.account", required=True, readonly=True)
    description = fields.Char(readonly=True)
    debit = fields.Monetary(readonly=True)
    credit = fields.Monetary(readonly=True)
