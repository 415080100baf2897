from odoo import fields, models

from .mrp_backflush_posting import LINE_KINDS


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
