from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    backflush_conversion_cost = fields.Float(
        string="Standard Conversion Cost",
        company_dependent=True,
        digits="Product Price",
        help="Backflush costing: standard labour and overhead per unit of this product's "
        "unit of measure. Leave at zero to take it from the operations of the bill of "
        "materials (expected minutes x work centre cost per hour).",
    )

    backflush_conversion_note = fields.Char(
        string="Conversion Standard in Force",
        compute="_compute_backflush_conversion_note",
        help="The conversion cost per unit that completions are costed at, and where it "
        "comes from: this field, or the operations of the bill of materials when it is zero.",
    )

    backflush_standard_history_ids = fields.One2many(
        "mrp.backflush.standard.history",
        "product_tmpl_id",
        string="Standard Cost History",
        domain=lambda self: [("company_id", "=", self.env.company.id)],
        help="Every change of this product's standard in the current company, dated, with "
        "its source.",
    )

    backflush_trigger = fields.Selection(
        related="categ_id.property_backflush_trigger",
        string="Backflush Trigger (category)",
        help="The backflush trigger of the product's category, in the current company.",
    )

    @api.depends_context("company")
    @api.depends("backflush_conversion_cost", "product_variant_ids", "bom_ids")
    def _compute_backflush_conversion_note(self):
        for template in self:
            variants = template.product_variant_ids
            template.backflush_conversion_note = (
                variants._backflush_conversion_note() if len(variants) == 1 else False
            )

    @api.constrains("categ_id")
    def _check_backflush_shipment_costed_inputs(self):
        """A made product moved into a Shipment category while bills consume it (or make
        it as a by-product) is refused, naming the bills (mrp.backflush.readiness)."""
        Readiness = self.env["mrp.backflush.readiness"]
        Readiness._refuse(Readiness._boms_using_problems(self.product_variant_ids))

    def action_backflush_roll_up(self):
        """Set the standard price of each variant to its material + conversion standard."""
        return self.product_variant_ids.action_backflush_roll_up()
