from odoo import api, fields, models
from odoo.tools import format_date

from ..costing import (
    EVENT_PERIOD_CLOSE,
    EVENT_SCRAP,
)


class MrpBackflushPostingColumns(models.Model):
    """What a register row says at a glance: the document it comes from, what it moved
    (for a scrap the scrapped product, not the order's) and the entry by its number."""

    _inherit = "mrp.backflush.posting"

    origin_name = fields.Char(
        string="Order / Transfer",
        compute="_compute_origin_name",
        help="The manufacturing order, transfer or unbuild order of the event, or the "
        "period a close covers.",
    )
    standard_update_id = fields.Many2one(
        "mrp.backflush.standard.update",
        string="Standard Cost Update",
        readonly=True,
        index="btree_not_null",
        help="The standard cost update this revaluation posts or cancels.",
    )
    moved_product_id = fields.Many2one(
        "product.product",
        string="Product Moved",
        compute="_compute_moved",
        store=True,
        help="What the event moved: the finished product, or for a scrap the one product "
        "scrapped (empty when several were).",
    )
    moved_label = fields.Char(
        string="Product Moved (label)",
        compute="_compute_moved",
        store=True,
        help="The product the event moved, or how many products a scrap covers.",
    )
    moved_quantity = fields.Float(
        string="Quantity Moved",
        digits="Product Unit of Measure",
        compute="_compute_moved",
        store=True,
        help="The quantity of the product moved, in its unit (empty for a scrap of "
        "several products: see Scrapped).",
    )
    moved_uom_id = fields.Many2one(
        "uom.uom", string="Unit Moved", compute="_compute_moved", store=True
    )
    move_name = fields.Char(related="move_id.name", string="Journal Entry Number")
    entry_amount = fields.Monetary(
        related="move_id.amount_total",
        store=True,
        string="Entry Amount",
        help="What the journal entry moves: the sum of its debits.",
    )

    @api.depends("kind", "production_id", "picking_id", "unbuild_id", "period_start", "period_end")
    def _compute_origin_name(self):
        for posting in self:
            if posting.kind == EVENT_PERIOD_CLOSE:
                start, end = (
                    format_date(self.env, day) for day in (posting.period_start, posting.period_end)
                )
                posting.origin_name = f"{start} - {end}"
                continue
            # sudo: only the name is shown; the register's readers may not read transfers.
            event = posting.sudo()
            origin = (
                event.unbuild_id
                or event.picking_id
                or event.production_id
                or event.standard_update_id
            )
            posting.origin_name = origin.name or False

    @api.depends("kind", "product_id", "quantity", "scrap_ids")
    def _compute_moved(self):
        for posting in self:
            scrapped = posting._scrapped_quantities() if posting.kind == EVENT_SCRAP else {}
            if len(scrapped) > 1:
                posting.update(
                    {
                        "moved_product_id": False,
                        "moved_label": self.env._("%s products", len(scrapped)),
                        "moved_quantity": 0.0,
                        "moved_uom_id": False,
                    }
                )
                continue
            product, quantity = next(iter(scrapped.items()), (posting.product_id, posting.quantity))
            posting.update(
                {
                    "moved_product_id": product.id,
                    "moved_label": product.display_name or False,
                    "moved_quantity": quantity,
                    "moved_uom_id": product.uom_id.id,
                }
            )

    def _scrapped_quantities(self):
        """{product: quantity in its unit} of this posting's scraps (stored computes run
        as superuser: the register's readers need not read stock scraps)."""
        quantities = {}
        for scrap in self.scrap_ids:
            quantity = scrap.product_uom_id._compute_quantity(
                scrap.scrap_qty, scrap.product_id.uom_id, round=False
            )
            quantities[scrap.product_id] = quantities.get(scrap.product_id, 0.0) + quantity
        return quantities
