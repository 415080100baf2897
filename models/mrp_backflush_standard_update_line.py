from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .internal_context import UPDATE_FIGURES

# What a user enters (or imports: Odoo's load passes the line's id too) on a line;
# Compute writes the rest.
USER_FIELDS = {"id", "update_id", "product_id", "planned_price"}


class MrpBackflushStandardUpdateLine(models.Model):
    """One product of a standard cost update: its standard now and after, and what the
    change revalues (mrp.backflush.standard.update.action_compute writes them)."""

    _name = "mrp.backflush.standard.update.line"
    _description = "Backflush Standard Cost Update Line"
    _order = "update_id, level, product_id"

    update_id = fields.Many2one(
        "mrp.backflush.standard.update", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="update_id.company_id", store=True)
    currency_id = fields.Many2one(related="update_id.company_id.currency_id")
    state = fields.Selection(related="update_id.state")
    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True)
    level = fields.Integer(
        readonly=True,
        help="0 for a bought product; a made product is one level above its highest "
        "component, and is rolled up after all of them.",
    )
    bom_id = fields.Many2one("mrp.bom", string="Bill of Materials", readonly=True)
    is_made = fields.Boolean(compute="_compute_is_made", store=True)
    at_standard = fields.Boolean(
        string="Standard Price",
        readonly=True,
        help="Its category uses the Standard Price costing method. Other products are "
        "rolled up at their current cost and not changed.",
    )
    current_standard = fields.Float(digits="Product Price", readonly=True)
    planned_price = fields.Float(
        digits="Product Price",
        help="The new standard of a bought product: enter it (or import it); Compute "
        "rolls the made products up from it.",
    )
    material_per_unit = fields.Float(string="Material", digits="Product Price", readonly=True)
    conversion_per_unit = fields.Float(string="Conversion", digits="Product Price", readonly=True)
    byproducts_per_unit = fields.Float(string="By-Products", digits="Product Price", readonly=True)
    new_standard = fields.Float(digits="Product Price", readonly=True)
    change = fields.Float(digits="Product Price", compute="_compute_change", store=True)
    quantity_on_hand = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    stock_account_id = fields.Many2one("account.account", readonly=True)
    stock_revaluation = fields.Monetary(
        string="Units on Hand Revalued",
        readonly=True,
        help="The change of value of the product's own units on hand (Odoo's valuation "
        "layer), on its stock account. Zero under the shipment trigger (finished goods "
        "are not in the ledger: see Held Material Revalued) and with manual valuation.",
    )
    held_revaluation = fields.Monetary(
        string="Held Material Revalued",
        readonly=True,
        help="Costed at shipment: the change of the material its finished units on hand "
        "hold in RIP and in the accounts of their sub-assemblies.",
    )

    _sql_constraints = [
        (
            "product_once",
            "unique(update_id, product_id)",
            "A product appears once in a standard cost update.",
        )
    ]

    @api.depends("bom_id")
    def _compute_is_made(self):
        for line in self:
            line.is_made = bool(line.bom_id)

    @api.depends("current_standard", "new_standard")
    def _compute_change(self):
        for line in self:
            line.change = line.new_standard - line.current_standard

    @api.constrains("planned_price")
    def _check_planned_price(self):
        for line in self:
            if line.planned_price < 0:
                raise ValidationError(
                    self.env._(
                        "The planned price of %(product)s is negative (%(price)s): a standard "
                        "is zero or more.",
                        product=line.product_id.display_name,
                        price=line.planned_price,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._refuse_figures(set(vals) - USER_FIELDS)
        lines = super().create(vals_list)
        lines._refuse_settled()
        return lines

    def write(self, vals):
        self.check_access("write")  # Odoo's access error before any rule of this model
        self._refuse_figures(set(vals) - {"id", "planned_price"})
        if not UPDATE_FIGURES.is_on(self):
            self._refuse_settled()
        result = super().write(vals)
        if "planned_price" in vals:
            # An edited planned price makes the rolled-up standards stale: compute again.
            computed = self.update_id.filtered(lambda update: update.state == "computed")
            UPDATE_FIGURES.on(computed).write({"state": "draft"})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        if not UPDATE_FIGURES.is_on(self):
            self._refuse_settled()

    def _refuse_figures(self, fields_written):
        if fields_written and not UPDATE_FIGURES.is_on(self):
            raise UserError(
                self.env._(
                    "Only the planned price of a standard cost update line is entered; "
                    "Compute writes the rest (%s).",
                    ", ".join(sorted(fields_written)),
                )
            )

    def _refuse_settled(self):
        settled = self.update_id.filtered(lambda u: u.state not in ("draft", "computed"))
        if settled:
            raise UserError(
                self.env._(
                    "%s is scheduled, posted or cancelled: its lines no longer change.",
                    ", ".join(settled.mapped("name")),
                )
            )
