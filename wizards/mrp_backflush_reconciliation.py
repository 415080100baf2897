from odoo import fields, models


class MrpBackflushReconciliation(models.TransientModel):
    _name = "mrp.backflush.reconciliation"
    _description = "Backflush Reconciliation Check"

    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
