from odoo import api, fields, models

from .mrp_backflush_entry import LINE_KINDS


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    backflush_kind = fields.Selection(
        LINE_KINDS,
        string="Backflush Line",
        readonly=True,
        copy=False,
        help="What this journal item of a backflush entry stands for; reversals mirror "
        "the earlier entry line by line from it.",
    )

    # What a backflush entry's items may never change: the register and the mirrors of
    # unbuilds and returns are built from them.
    _BACKFLUSH_PROTECTED_FIELDS = frozenset(
        {
            "account_id",
            "balance",
            "debit",
            "credit",
            "amount_currency",
            "backflush_kind",
            "move_id",
            "product_id",
            "quantity",
        }
    )

    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(
            {vals["move_id"] for vals in vals_list if vals.get("move_id")}
        )
        moves._backflush_refuse_line_change()
        return super().create(vals_list)

    def write(self, vals):
        if self._BACKFLUSH_PROTECTED_FIELDS.intersection(vals):
            changed = self.filtered(
                lambda line: any(
                    self.env["account.move"]._field_will_change(line, vals, name)
                    for name in self._BACKFLUSH_PROTECTED_FIELDS.intersection(vals)
                )
            )
            changed.move_id._backflush_refuse_line_change()
        return super().write(vals)

    def unlink(self):
        self.move_id._backflush_refuse_line_change()
        return super().unlink()
