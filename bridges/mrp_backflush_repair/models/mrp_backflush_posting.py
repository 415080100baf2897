from odoo import api, fields, models


class MrpBackflushPosting(models.Model):
    _inherit = "mrp.backflush.posting"

    repair_id = fields.Many2one(
        "repair.order",
        string="Repair Order",
        readonly=True,
        index="btree_not_null",
        help="The repair whose parts this rework posting costs.",
    )

    def _origin_document(self):
        return super()._origin_document() or self.repair_id

    @api.depends(
        "kind",
        "production_id",
        "picking_id",
        "unbuild_id",
        "period_start",
        "period_end",
        "repair_id",
    )
    def _compute_origin_name(self):
        result = super()._compute_origin_name()
        for posting in self.filtered("repair_id"):
            # sudo: only the name is shown; the register's readers may not read repairs.
            posting.origin_name = posting.sudo().repair_id.name
        return result
