import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..models.stock_scrap import ScrapRequest


class MrpBackflushVarianceWizardLine(models.TransientModel):
    _name = "mrp.backflush.variance.wizard.line"
    _description = "Backflush Scrap / Variance Line"

    wizard_id = fields.Many2one("mrp.backflush.variance.wizard", required=True, ondelete="cascade")
    allowed_product_ids = fields.Many2many(related="wizard_id.allowed_product_ids")
    product_id = fields.Many2one(
        "product.product", required=True, domain="[('id', 'in', allowed_product_ids)]"
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", domain="[('product_id', '=', product_id)]"
    )
    reason_tag_ids = fields.Many2many("stock.scrap.reason.tag", string="Reasons")
    source_location_id = fields.Many2one(related="wizard_id.source_location_id", string="From")
    scrap_location_id = fields.Many2one(related="wizard_id.scrap_location_id", string="To")
    on_hand_qty = fields.Float(
        string="On Hand",
        digits="Product Unit of Measure",
        compute="_compute_on_hand",
        help="Quantity on hand (reserved or not) of the product, and lot, in the location "
        "it is scrapped from.",
    )
    exceeds_on_hand = fields.Boolean(
        compute="_compute_on_hand",
        help="The lines of this product (and lot) ask for more than is on hand.",
    )

    @api.depends(
        "product_id",
        "lot_id",
        "quantity",
        "wizard_id.source_location_id",
        "wizard_id.line_ids.quantity",
        "wizard_id.line_ids.product_id",
        "wizard_id.line_ids.lot_id",
    )
    def _compute_on_hand(self):
        Scrap = self.env["stock.scrap"]
        for line in self:
            location = line.wizard_id.source_location_id
            if not (line.product_id.is_storable and location):
                line.on_hand_qty = 0.0
                line.exceeds_on_hand = False
                continue
            on_hand = Scrap._backflush_on_hand(line.product_id, location, line.lot_id)
            requested = sum(
                other.quantity
                for other in line.wizard_id.line_ids
                if other.product_id == line.product_id
                and other.lot_id == line.lot_id
                and math.isfinite(other.quantity)
            )
            line.on_hand_qty = on_hand
            line.exceeds_on_hand = (
                float_compare(
                    requested, on_hand, precision_rounding=line.product_id.uom_id.rounding
                )
                > 0
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_quantity_is_a_number(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_quantity_is_a_number(vals)
        return super().write(vals)

    @api.model
    def _check_quantity_is_a_number(self, vals):
        # NaN and infinity reach the ORM over RPC, which fails on them with a raw error.
        quantity = vals.get("quantity")
        if isinstance(quantity, (int, float)) and not math.isfinite(quantity):
            raise UserError(
                self.env._(
                    "The quantity %(quantity)s is not a number: enter the quantity scrapped, "
                    "in the product's unit.",
                    quantity=quantity,
                )
            )

    def _request(self):
        self.ensure_one()
        return ScrapRequest(
            product=self.product_id,
            quantity=self.quantity,  # in the product's own UoM
            lot=self.lot_id,
            reasons=self.reason_tag_ids,
            location=self.wizard_id.source_location_id,
        )
