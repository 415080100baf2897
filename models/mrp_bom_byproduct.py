from odoo import api, models


class MrpBomByproduct(models.Model):
    _inherit = "mrp.bom.byproduct"

    @api.constrains("product_id", "bom_id")
    def _check_backflush_shipment_costed_inputs(self):
        # The bill's own constraint does not run when only its by-products change.
        self.bom_id._check_backflush_shipment_costed_inputs()
