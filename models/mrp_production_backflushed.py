from odoo import api, fields, models
from odoo.osv import expression

from ..costing import (
    TRIGGERS,
)


class MrpProduction(models.Model):
    """Whether an order is backflushed, as a field a domain can search: the Record scrap /
    variance wizard offers only those orders."""

    _inherit = "mrp.production"

    backflush_is_backflushed = fields.Boolean(
        string="Backflushed",
        compute="_compute_backflush_is_backflushed",
        search="_search_backflush_is_backflushed",
        help="The finished product's category has a backflush trigger in the order's "
        "company (subcontracted orders keep Odoo's valuation).",
    )

    @api.depends("product_id", "company_id")
    def _compute_backflush_is_backflushed(self):
        for production in self:
            production.backflush_is_backflushed = bool(
                production.product_id and production._backflush_is_backflushed()
            )

    def _search_backflush_is_backflushed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        # The trigger is company-dependent: the categories under a trigger are read per
        # allowed company (sudo: who may search orders need not read categories' rights).
        Category = self.env["product.category"].sudo()
        domain = expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    (
                        "product_id.categ_id",
                        "in",
                        Category.with_company(company)
                        .search([("property_backflush_trigger", "in", list(TRIGGERS))])
                        .ids,
                    ),
                ]
                for company in self.env.companies
            ]
        )
        if "subcontractor_id" in self._fields:
            domain = expression.AND([domain, [("subcontractor_id", "=", False)]])
        if (operator == "=") != value:
            domain = ["!", *expression.normalize_domain(domain)]
        return domain
