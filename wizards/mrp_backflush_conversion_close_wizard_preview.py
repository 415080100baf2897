from odoo import fields, models


class MrpBackflushConversionCloseWizardPreview(models.TransientModel):
    _name = "mrp.backflush.conversion.close.wizard.preview"
    _inherit = "mrp.backflush.entry.preview"
    _description = "Close Conversion Costs Entry Preview"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "mrp.backflush.conversion.close.wizard", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
