from odoo import api, fields, models
from odoo.exceptions import UserError

from .internal_context import UPDATE_FIGURES


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

    @api.model_create_multi
    def create(self, vals_list):
        self._refuse_outside_compute()
        return super().create(vals_list)

    def write(self, vals):
        self._refuse_outside_compute()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_outside_compute(self):
        self._refuse_outside_compute()

    def _refuse_outside_compute(self):
        if not UPDATE_FIGURES.is_on(self):
            raise UserError(
                self.env._("The entry preview of a standard cost update is written by Compute.")
            )
