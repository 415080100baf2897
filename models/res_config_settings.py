from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    backflush_scrap_reason_required = fields.Boolean(
        related="company_id.backflush_scrap_reason_required", readonly=False
    )
    backflush_journal_id = fields.Many2one(
        related="company_id.backflush_journal_id", readonly=False
    )
    backflush_blocked_posting = fields.Selection(
        related="company_id.backflush_blocked_posting", readonly=False
    )
    backflush_revaluation_account_id = fields.Many2one(
        related="company_id.backflush_revaluation_account_id",
        readonly=False,
        domain="[('deprecated', '=', False), ('company_ids', 'in', company_id)]",
    )
    backflush_posting_mode = fields.Selection(
        related="company_id.backflush_posting_mode", readonly=False
    )
