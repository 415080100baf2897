from odoo import fields, models


class MrpBackflushConversionCloseWizard(models.TransientModel):
    _name = "mrp.backflush.conversion.close.wizard"
    _description = "Close Conversion Costs"

    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
