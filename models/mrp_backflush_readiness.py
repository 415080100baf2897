from odoo import api, models
from odoo.exceptions import UserError, ValidationError

from ..costing import (
    CLEARING,
    CONVERSION,
    PRODUCTION_VARIANCE,
    REWORK_VARIANCE,
    SCRAP_VARIANCE,
    TRIGGER_COMPLETION_ONLY,
    TRIGGER_SHIPMENT,
    USAGE_VARIANCE,
    required_accounts,
)

# The category field holding the account of each line kind costing.readiness names.
ACCOUNT_FIELDS = {
    CONVERSION: "property_backflush_conversion_account_id",
    USAGE_VARIANCE: "property_backflush_usage_variance_account_id",
    SCRAP_VARIANCE: "property_backflush_scrap_variance_account_id",
    PRODUCTION_VARIANCE: "property_backflush_production_variance_account_id",
    CLEARING: "property_backflush_clearing_account_id",
    # Needed only once a unit is reworked (mrp_backflush_repair), by no trigger.
    REWORK_VARIANCE: "property_backflush_rework_variance_account_id",
}


class MrpBackflushReadiness(models.AbstractModel):
    """Every configuration rule of backflush costing, in one place: what a completion,
    a scrap or a shipment needs set before it can be posted, as sentences. The order's
    banner, the posting path (refused or queued as Failed, by company setting), the
    category form (its required accounts) and the tests read these methods; the
    contradiction of a Shipment-costed input is refused where it is made (a bill of
    materials, a category's trigger, a product's category), not at mark done."""

    _name = "mrp.backflush.readiness"
    _description = "Backflush Configuration Readiness"

    @api.model
    def _required_account_fields(self, trigger):
        """Names of the category account fields ``trigger`` needs (costing.readiness)."""
        return self._account_fields(required_accounts(trigger))

    @api.model
    def _account_fields(self, kinds):
        """The category account fields of line ``kinds`` (ACCOUNT_FIELDS)."""
        return tuple(ACCOUNT_FIELDS[kind] for kind in kinds)

    @api.model
    def _category_problems(self, category, trigger):
        """The accounts ``category`` lacks for ``trigger``, as sentences."""
        return self._missing_accounts(category, required_accounts(trigger))

    @api.model
    def _missing_accounts(self, category, kinds):
        """The accounts of line ``kinds`` (see ACCOUNT_FIELDS) ``category`` lacks, as
        sentences."""
        Category = self.env["product.category"]
        return [
            self.env._(
                "Category %(category)s has no %(account)s account.",
                category=category.display_name,
                account=Category._fields[name].get_description(self.env)["string"],
            )
            for name in self._account_fields(kinds)
            if not category[name]
        ]

    @api.model
    def _finished_problems(self, product, trigger):
        """What the finished ``product`` (in the current company) needs under ``trigger``."""
        category = product.categ_id
        problems = []
        if not product.is_storable:
            problems.append(
                self.env._(
                    "Finished product %s is not tracked in stock: backflush values finished "
                    "units in stock, so mark it as storable (Track Inventory).",
                    product.display_name,
                )
            )
        if not category.property_stock_valuation_account_id:
            problems.append(
                self.env._(
                    "Category %(category)s has no Stock Valuation Account.",
                    category=category.display_name,
                )
            )
        problems += self._category_problems(category, trigger)
        if product.currency_id.is_zero(product.standard_price):
            problems.append(
                self.env._(
                    "Finished product %s has no standard price (use Roll up standard cost).",
                    product.display_name,
                )
            )
        if product.lot_valuated:
            problems.append(
                self.env._(
                    "Finished product %s is valuated by lot: backflush posts one standard price.",
                    product.display_name,
                )
            )
        return problems

    @api.model
    def _input_problems(self, product, inventoried=True):
        """What a component or by-product needs, as sentences. ``inventoried``: whether
        it is valued in stock (automated valuation), as components under Completion and
        every by-product are; components under Completion only are not (manual)."""
        category = product.categ_id
        names = {"product": product.display_name, "category": category.display_name}
        problems = []
        if product.currency_id.is_zero(product.standard_price):
            problems.append(self.env._("%(product)s has no standard price.", **names))
        if category.property_cost_method != "standard":
            problems.append(
                self.env._(
                    "Category %(category)s (of %(product)s) must use the Standard Price "
                    "costing method.",
                    **names,
                )
            )
        if product.lot_valuated:
            problems.append(
                self.env._(
                    "%(product)s is valuated by lot: backflush costs it at one standard price.",
                    **names,
                )
            )
        if not inventoried:
            if category.property_valuation != "manual_periodic":
                problems.append(
                    self.env._(
                        "Category %(category)s (of %(product)s) must use manual inventory "
                        "valuation under the Completion only trigger: materials are not "
                        "inventoried.",
                        **names,
                    )
                )
        elif category.property_valuation != "real_time":
            problems.append(
                self.env._(
                    "Category %(category)s (of %(product)s) must use automated inventory "
                    "valuation: backflush posts it from its stock valuation account.",
                    **names,
                )
            )
        elif not category.property_stock_valuation_account_id:
            problems.append(
                self.env._("Category %(category)s has no Stock Valuation Account.", **names)
            )
        return problems

    @api.model
    def _completion_problems(self, production):
        """What is missing to post a completion (or a scrap) of ``production``, read in
        its company, as sentences."""
        production = production.with_company(production.company_id)
        problems = []
        if not production.company_id.backflush_journal_id:
            problems.append(
                self.env._("Company %s has no backflush journal.", production.company_id.name)
            )
        if not production.bom_id:
            problems.append(
                self.env._(
                    "Order %s has no bill of materials to take the standard from.",
                    production.name,
                )
            )
        trigger = production._backflush_trigger()
        problems += self._finished_problems(production.product_id, trigger)
        components = production.move_raw_ids.product_id | production.bom_id.bom_line_ids.product_id
        for component in components.filtered("is_storable"):
            problems += self._input_problems(
                component, inventoried=trigger != TRIGGER_COMPLETION_ONLY
            )
        for byproduct in production.move_byproduct_ids.product_id.filtered("is_storable"):
            problems += self._input_problems(byproduct)
        return problems + self._shipment_costed_input_problems(production)

    @api.model
    def _shipment_problems(self, move):
        """What is missing to post the shipment event of ``move`` (its company's)."""
        product = move.product_id
        problems = self._finished_problems(product, TRIGGER_SHIPMENT)
        returned = move._backflush_shipment_posting_returned()
        if returned.state == "failed":
            problems.append(
                self.env._(
                    "The shipment %(shipment)s this return undoes is queued, not posted: "
                    "retry it first (Backflush Register, filter Failed).",
                    shipment=returned.name,
                )
            )
        standard_components = product._backflush_bom().bom_line_ids.product_id
        for component in standard_components.filtered("is_storable"):
            problems += self._input_problems(component)
        return problems

    # ---- Shipment-costed inputs: refused where the contradiction is made -------------

    @api.model
    def _shipment_costed(self, products, company):
        """The ``products`` costed by backflush when shipped in ``company``."""
        return products.filtered(
            lambda product: product.with_company(company)._backflush_is_shipment_costed()
        )

    @api.model
    def _shipment_costed_input_sentence(self, what, products):
        return self.env._(
            "%(what)s uses %(products)s, costed by backflush when shipped: its units on hand "
            "are in RIP, not in a finished goods account that an order could consume or "
            "fill. Take it out of the bill of materials, or have an accounting administrator "
            "set the Backflush Trigger of its category to Completion (or None) in "
            "Manufacturing > Configuration > Backflush Costing.",
            what=what,
            products=", ".join(products.mapped("display_name")),
        )

    @api.model
    def _shipment_costed_input_problems(self, production):
        """A Shipment-costed component or by-product of ``production`` (a bill that
        slipped in before the rule, or by import), as sentences for its banner and its
        Failed posting."""
        moves = production.move_raw_ids | production.move_byproduct_ids
        costed = self._shipment_costed(moves.product_id, production.company_id)
        if not costed:
            return []
        return [self._shipment_costed_input_sentence(production.name, costed)]

    @api.model
    def _bom_inputs(self, boms):
        """{bill: its components and by-products} of the manufacturing bills in ``boms``
        (kits are exploded when delivered: their components ship as themselves)."""
        return {
            bom: bom.bom_line_ids.product_id | bom.byproduct_ids.product_id
            for bom in boms.filtered(lambda bom: bom.type != "phantom")
        }

    @api.model
    def _bom_problems(self, boms):
        """The bills among ``boms`` that consume or make a Shipment-costed product, and
        the bills that use the product of one of ``boms`` when that makes it Shipment-
        costed (a bill for a product of a Shipment category), as sentences."""
        problems = []
        for bom, inputs in self._bom_inputs(boms).items():
            company = bom.company_id or self.env.company
            costed = self._shipment_costed(inputs, company)
            if costed:
                problems.append(self._shipment_costed_input_sentence(bom.display_name, costed))
        made = boms.product_tmpl_id.product_variant_ids
        problems += self._boms_using_problems(made, exclude=boms)
        return problems

    @api.model
    def _boms_using_problems(self, products, exclude=None, trigger_of=None):
        """The bills that consume or make one of ``products`` while it is (or, with
        ``trigger_of`` {category: trigger}, would be) Shipment-costed, as sentences."""
        trigger_of = trigger_of or {}
        lines = self.env["mrp.bom.line"].search([("product_id", "in", products.ids)])
        byproducts = self.env["mrp.bom.byproduct"].search([("product_id", "in", products.ids)])
        boms = (lines.bom_id | byproducts.bom_id) - (exclude or self.env["mrp.bom"])
        problems = []
        for bom, inputs in self._bom_inputs(boms).items():
            company = bom.company_id or self.env.company
            costed = (inputs & products).filtered(
                lambda product, company=company: product.with_company(
                    company
                )._backflush_is_shipment_costed(trigger_of.get(product.categ_id))
            )
            if costed:
                problems.append(self._shipment_costed_input_sentence(bom.display_name, costed))
        return problems

    @api.model
    def _blocked(self, records, problems_of, event):
        """{record id: what ``problems_of`` finds missing} for the ``records`` (orders,
        repairs: anything with a company and a name) whose posting cannot be made now
        and whose company queues such postings; one UserError for those whose company
        stops the operation instead (``event``: "the ... of %s")."""
        blocked = {}
        for record in records:
            problems = problems_of(record)
            if problems:
                blocked[record.id] = problems
        stopping = records.filtered(
            lambda record: (
                record.id in blocked and record.company_id.backflush_blocked_posting == "stop"
            )
        )
        if stopping:
            self._raise(
                event % ", ".join(stopping.mapped("name")),
                [problem for record in stopping for problem in blocked[record.id]],
            )
        return blocked

    @api.model
    def _refuse(self, problems):
        if problems:
            raise ValidationError("\n".join(dict.fromkeys(problems)))

    @api.model
    def _raise(self, event, problems):
        """One UserError listing every missing setting for ``event`` (a short phrase
        such as "the completion of WH/MO/00001"), or nothing when there are none."""
        problems = list(dict.fromkeys(problems))  # the same gap reached twice
        if not problems:
            return
        raise UserError(
            self.env._(
                "Backflush costing cannot post %(event)s: the configuration is "
                "incomplete.\n\n%(problems)s\n\nAn accounting administrator sets the backflush "
                "accounts and trigger in Manufacturing > Configuration > Backflush Costing (the "
                "product category form) and the journal in Settings > Manufacturing > "
                "Backflush Costing; an inventory "
                "administrator the costing method there and, on the product form, the "
                "standard price and whether it is storable.",
                event=event,
                problems="\n".join(f"- {problem}" for problem in problems),
            )
        )
