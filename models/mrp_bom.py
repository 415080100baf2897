from odoo import api, models


class MrpBom(models.Model):
    _inherit = "mrp.bom"

    @api.constrains("type", "product_tmpl_id", "product_id", "company_id")
    def _check_backflush_shipment_costed_inputs(self):
        """A bill that consumes or makes a Shipment-costed product, or that makes its
        product Shipment-costed while other bills consume it, is refused when saved
        (mrp.backflush.readiness): the order would meet it at mark done."""
        Readiness = self.env["mrp.backflush.readiness"]
        Readiness._refuse(Readiness._bom_problems(self))
