from odoo import api, fields, models
from odoo.exceptions import UserError

from ..costing.values import (
    TRIGGER_COMPLETION,
    TRIGGER_COMPLETION_ONLY,
    TRIGGER_NONE,
    TRIGGER_SHIPMENT,
)

BACKFLUSH_TRIGGERS = [
    (TRIGGER_NONE, "None (Odoo valuation)"),
    (TRIGGER_COMPLETION, "Completion of good units"),
    (TRIGGER_SHIPMENT, "Shipment of finished units"),
    (TRIGGER_COMPLETION_ONLY, "Completion only (materials not inventoried)"),
]

_ACCOUNT_DOMAIN = "[('deprecated', '=', False)]"


class ProductCategory(models.Model):
    _inherit = "product.category"

    property_backflush_trigger = fields.Selection(
        BACKFLUSH_TRIGGERS,
        string="Backflush Trigger",
        company_dependent=True,
        default=TRIGGER_NONE,
        help="When the standard cost of finished products of this category is posted. "
        "None keeps Odoo's valuation of each stock move. Completion posts material and "
        "conversion at standard when good units are completed. Shipment posts them when "
        "finished units are delivered. Completion only is for components that are not "
        "inventoried when bought (manual valuation, bills to a clearing account).",
    )
    property_backflush_conversion_account_id = fields.Many2one(
        "account.account",
        string="Conversion Costs Applied",
        company_dependent=True,
        ondelete="restrict",
        domain=_ACCOUNT_DOMAIN,
        check_company=True,
        help="Credited with the standard conversion cost (labour and overhead) of the "
        "finished units of this category.",
    )
    property_backflush_usage_variance_account_id = fields.Many2one(
        "account.account",
        string="Material Usage Variance",
        company_dependent=True,
        ondelete="restrict",
        domain=_ACCOUNT_DOMAIN,
        check_company=True,
        help="Receives the standard value of components consumed above (debit) or below "
        "(credit) the bill of materials.",
    )
    property_backflush_scrap_variance_account_id = fields.Many2one(
        "account.account",
        string="Scrap Variance",
        company_dependent=True,
        ondelete="restrict",
        domain=_ACCOUNT_DOMAIN,
        check_company=True,
        help="Receives the standard value of scrapped components and finished units.",
    )
    property_backflush_production_variance_account_id = fields.Many2one(
        "account.account",
        string="Production Variance",
        company_dependent=True,
        ondelete="restrict",
        domain=_ACCOUNT_DOMAIN,
        check_company=True,
        help="Receives the difference between the rolled-up standard (material plus "
        "conversion) and the finished product's standard price.",
    )
    property_backflush_clearing_account_id = fields.Many2one(
        "account.account",
        string="Materials Clearing",
        company_dependent=True,
        ondelete="restrict",
        domain=_ACCOUNT_DOMAIN,
        check_company=True,
        help="Completion only: the account the component vendor bills debit; credited "
        "with the material standard of the completed units.",
    )

    def _backflush_trigger(self):
        """The trigger in the current company; an unset value means ``none``."""
        self.ensure_one()
        return self.property_backflush_trigger or TRIGGER_NONE

    @api.constrains("property_backflush_trigger", "property_cost_method", "property_valuation")
    def _check_backflush_costing_method(self):
        for category in self:
            trigger = category._backflush_trigger()
            if trigger == TRIGGER_NONE:
                continue
            if category.property_cost_method != "standard":
                raise UserError(
                    self.env._(
                        "Category %(category)s: a backflush trigger needs the Standard Price "
                        "costing method. Set Costing Method to Standard Price, or the "
                        "Backflush Trigger to None.",
                        category=category.display_name,
                    )
                )
            if category.property_valuation != "real_time":
                raise UserError(
                    self.env._(
                        "Category %(category)s: a backflush trigger needs automated inventory "
                        "valuation, because finished goods are posted to their valuation "
                        "account. Set Inventory Valuation to Automated, or the Backflush "
                        "Trigger to None.",
                        category=category.display_name,
                    )
                )
