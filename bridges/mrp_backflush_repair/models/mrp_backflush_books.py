from odoo import api, models
from odoo.tools import SQL

from odoo.addons.mrp_backflush.costing import TRIGGERS


class MrpBackflushBooks(models.AbstractModel):
    _inherit = "mrp.backflush.books"

    @api.model
    def _uncovered_layers(self, company, date):
        """Also the layers of the parts of reworked repairs that no posting holds."""
        return super()._uncovered_layers(company, date) | self._uncovered_rework_layers(
            company, date
        )

    @api.model
    def _uncovered_rework_layers(self, company, date):
        self.env.cr.execute(
            SQL(
                """
                SELECT layer.id
                  FROM stock_valuation_layer layer
                  JOIN stock_move move ON move.id = layer.stock_move_id
                  JOIN repair_order repair ON repair.id = move.repair_id
                  JOIN product_product product ON product.id = repair.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                  JOIN product_category category ON category.id = template.categ_id
                 WHERE layer.company_id = %(company)s
                   AND layer.create_date < %(end)s
                   AND layer.account_move_id IS NULL
                   AND move.repair_line_type IS NOT NULL
                   AND category.property_backflush_trigger ->> %(key)s IN %(triggers)s
                   AND NOT EXISTS (
                       SELECT 1 FROM mrp_backflush_posting_valuation_layer_rel held
                        WHERE held.layer_id = layer.id)
              ORDER BY layer.id
                """,
                company=company.id,
                end=self._end_of_day_utc(date),
                key=str(company.id),
                triggers=TRIGGERS,
            )
        )
        layers = self.env["stock.valuation.layer"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
        return layers.filtered(lambda layer: layer.stock_move_id._backflush_is_rework_part())
