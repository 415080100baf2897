from odoo import api, fields, models
from odoo.exceptions import UserError

from ..costing import (
    TRIGGER_COMPLETION,
    TRIGGER_COMPLETION_ONLY,
    TRIGGER_NONE,
    TRIGGER_SHIPMENT,
)
from .internal_context import own_context

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
        tracking=True,
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
    property_backflush_rework_variance_account_id = fields.Many2one(
        "account.account",
        string="Rework Variance",
        company_dependent=True,
        ondelete="restrict",
        domain=_ACCOUNT_DOMAIN,
        check_company=True,
        help="Optional: receives the parts a repair fits to a finished unit of this "
        "category, less the parts it removes (the unit itself stays at standard). Needed "
        "only once such units are reworked.",
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

    # Backflush settings: what an accounting administrator decides, for the ledger's sake.
    _BACKFLUSH_SETTINGS = frozenset(
        {
            "property_backflush_trigger",
            "property_backflush_conversion_account_id",
            "property_backflush_usage_variance_account_id",
            "property_backflush_scrap_variance_account_id",
            "property_backflush_rework_variance_account_id",
            "property_backflush_production_variance_account_id",
            "property_backflush_clearing_account_id",
        }
    )

    @api.onchange("property_backflush_trigger")
    def _onchange_backflush_trigger(self):
        # As stock_account's product.category.onchange_property_cost warns on a costing change.
        if not self._origin:
            return None
        old = self._origin._backflush_trigger()
        new = self._backflush_trigger()
        if old == new:
            return None
        effects = {
            TRIGGER_NONE: self.env._(
                "Odoo will value every stock move of its products again (one entry per move), "
                "and the backflush register will get no new lines for them."
            ),
            TRIGGER_COMPLETION: self.env._(
                "Each completion of its products will post one entry at standard (finished "
                "goods, RIP, Conversion Costs Applied, variances) instead of Odoo's entries "
                "per stock move."
            ),
            TRIGGER_SHIPMENT: self.env._(
                "Completions will post only material usage variances; material and conversion "
                "will be posted when finished units are delivered. Finished goods stay in RIP."
            ),
            TRIGGER_COMPLETION_ONLY: self.env._(
                "Each completion will post one entry at standard and credit the Materials "
                "Clearing account: components must use manual valuation."
            ),
        }
        return {
            "warning": {
                "title": self.env._("Backflush trigger change"),
                "message": self.env._(
                    "Changing the backflush trigger changes how production of this category "
                    "is posted from now on: %(effect)s Entries already posted stay as they "
                    "are. The change is refused while orders of its products are in "
                    "progress%(shipment)s, and it is recorded in the category's history.",
                    effect=effects[new],
                    shipment=self.env._(" or finished units are on hand")
                    if TRIGGER_SHIPMENT in (old, new)
                    else "",
                ),
            }
        }

    def write(self, vals):
        if self._BACKFLUSH_SETTINGS.intersection(vals):
            self._backflush_check_settings_access()
            if "property_backflush_trigger" in vals:
                new_trigger = vals["property_backflush_trigger"] or TRIGGER_NONE
                own_context(
                    self.filtered(lambda category: category._backflush_trigger() != new_trigger)
                )._backflush_check_trigger_change(new_trigger)
        return super().write(vals)

    def _backflush_check_settings_access(self):
        if self.env.su or self.env.user.has_group("account.group_account_manager"):
            return
        raise UserError(
            self.env._(
                "Only accounting administrators may change the backflush trigger and accounts "
                "of a product category: they decide where production is posted. Ask one to "
                "set %(categories)s.",
                categories=", ".join(self.mapped("display_name")),
            )
        )

    def _backflush_check_trigger_change(self, new_trigger):
        """Refuse to change the trigger while something costed under the old one is under
        way: orders in progress, or (to or from Shipment) finished units on hand, which the
        finished goods account holds under one trigger and RIP under the other."""
        if not self:
            return
        products = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search([("categ_id", "in", self.ids)])
        )
        waiting = []
        productions = self.env["mrp.production"].search(
            [
                ("product_id", "in", products.ids),
                ("company_id", "=", self.env.company.id),
                "|",
                ("state", "in", ("progress", "to_close")),
                "&",
                ("state", "=", "confirmed"),
                ("backflush_posting_ids", "!=", False),
            ]
        )
        waiting += [
            self.env._("finish or cancel %(order)s", order=production.name)
            for production in productions
        ]
        old_triggers = set(self.mapped(lambda category: category._backflush_trigger()))
        if TRIGGER_SHIPMENT in old_triggers | {new_trigger}:
            made = products.filtered(lambda product: product._backflush_bom())
            waiting += [
                self.env._(
                    "deliver or scrap the %(quantity)s %(unit)s of %(product)s on hand",
                    quantity=product.qty_available,
                    unit=product.uom_id.name,
                    product=product.display_name,
                )
                for product in made
                if product.qty_available > 0
            ]
        waiting += self._backflush_unposted(products)
        if new_trigger == TRIGGER_SHIPMENT:
            waiting += self.env["mrp.backflush.readiness"]._boms_using_problems(
                products, trigger_of=dict.fromkeys(self, TRIGGER_SHIPMENT)
            )
        if waiting:
            raise UserError(
                self.env._(
                    "The backflush trigger of %(categories)s cannot change now: what is under "
                    "way was costed under the current one. First:\n%(waiting)s",
                    categories=", ".join(self.mapped("display_name")),
                    waiting="\n".join(f"- {item}" for item in waiting),
                )
            )

    def _backflush_unposted(self, products):
        """What to do first about the postings of ``products`` that wait for their entry:
        they are posted under the trigger of their event. Pending ones are posted now;
        those that stay Failed are listed."""
        Posting = self.env["mrp.backflush.posting"].sudo()
        domain = [("product_id", "in", products.ids), ("company_id", "=", self.env.company.id)]
        pending = Posting.search([*domain, ("state", "=", "pending")])
        self.env["mrp.backflush.queue"]._retry(pending, wait=True)
        unposted = Posting.search([*domain, ("state", "in", ("pending", "failed"))])
        return [
            self.env._(
                "retry the queued backflush posting %(posting)s (Backflush Register, filter "
                "Failed)",
                posting=posting.name,
            )
            for posting in unposted
        ]

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
