from odoo import api, fields, models


class MrpBackflushVarianceWizardPreview(models.TransientModel):
    _name = "mrp.backflush.variance.wizard.preview"
    _inherit = "mrp.backflush.entry.preview"
    _description = "Backflush Scrap / Variance Entry Preview"
    _order = "sequence, id"

    wizard_id = fields.Many2one("mrp.backflush.variance.wizard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    product_id = fields.Many2one("product.product", readonly=True)

    @api.model
    def _line_vals(self, sequence, line, label):
        """Extends mrp.backflush.entry.preview._line_vals: with the line's product."""
        return {**super()._line_vals(sequence, line, label), "product_id": line.product or False}
