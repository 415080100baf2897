from odoo import fields, models


class MrpBackflushVarianceWizard(models.TransientModel):
    _name = "mrp.backflush.variance.wizard"
    _description = "Backflush Scrap / Variance"

    production_id = fields.Many2one("mrp.production")
    line_ids = fields.One2many("mrp.backflush.variance.wizard.line", "wizard_id")


class MrpBackflushVarianceWizardLine(models.TransientModel):
    _name = "mrp.backflush.variance.wizard.line"
    _description = "Backflush Scrap / Variance Line"

    wizard_id = fields.Many2one("mrp.backflush.variance.wizard", required=True, ondelete="cascade")
