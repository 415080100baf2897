import dataclasses

from odoo import api, models, tools
from odoo.exceptions import UserError

from ..costing import (
    MAX_KIT_DEPTH,
    TRIGGER_SHIPMENT,
    Bom,
    BomLine,
    Completion,
    CompletionAccounts,
    Operation,
    to_decimal,
    unit_standard,
)
from .internal_context import ROLL_UP, StandardChanges


class ProductProduct(models.Model):
    _inherit = "product.product"

    def write(self, vals):
        """A change of standard is kept in the standard history (dated, with its source)
        and also revalues the material held for finished units on hand costed at shipment
        (mrp.backflush.revaluation), in the same transaction; Odoo's own revaluation of
        the product's stock runs in super (stock_account's product.product.write,
        _change_standard_price). A standard cost update revalues what is held itself, in
        its one entry (StandardChanges)."""
        if "standard_price" not in vals:
            return super().write(vals)
        # Standard prices only: Odoo moves an average or FIFO cost on every receipt.
        standard = self.filtered(lambda product: product.cost_method == "standard")
        old_prices = {product.id: product.standard_price for product in standard}
        changes = StandardChanges.of(self)
        Revaluation = self.env["mrp.backflush.revaluation"]
        used = Revaluation._used_in_boms(standard) if not changes else standard.browse()
        holders = {product: Revaluation._holders(product) for product in used}
        # Products that finished units hold are written one by one, so that each change
        # is valued from the standards it found.
        held = used.filtered(lambda product: holders[product])
        result = super(ProductProduct, self - held).write(vals) if self - held else True
        for product in held:
            standards_before = Revaluation._held_standards(holders[product])
            old_price = product.standard_price
            result = super(ProductProduct, product).write(vals) and result
            Revaluation._revalue(product, holders[product], standards_before, old_price)
        self.env["mrp.backflush.standard.history"]._record(standard, old_prices, changes)
        return result

    def _backflush_unit_standard(self, bom, prices=None, kits=None):
        """Material and conversion standard of one unit of ``self`` (its UoM) made by ``bom``.

        Read in the current company (standard prices and accounts are company-dependent);
        ``prices`` ({product id: price}) replaces the standard of the components it names
        (a standard cost update's new standards); ``kits``: the kit bills of materials of
        ``bom``'s components, when the caller found them for many bills at once
        (mrp.backflush.standard.rollup._kits_of).
        """
        self.ensure_one()
        conversion = to_decimal(self.backflush_conversion_cost) or None
        bom_value = self._backflush_bom_value(bom, prices=prices or {}, kits=kits)
        return unit_standard(bom_value, conversion_per_unit=conversion)

    def _backflush_conversion_note(self):
        """The conversion standard in force per unit and where it comes from, in words."""
        self.ensure_one()
        if self.backflush_conversion_cost:
            return self.env._(
                "In force: %s per unit, this field.",
                self._backflush_amount(self.backflush_conversion_cost),
            )
        bom = self._backflush_bom()
        if not bom:
            return self.env._("No bill of materials: no conversion cost is applied.")
        try:
            conversion = self._backflush_unit_standard(bom).conversion_per_unit
        except UserError as error:
            return error.args[0]
        return self.env._(
            "In force: %(amount)s per unit, from the operations of %(bom)s (this field is zero).",
            amount=self._backflush_amount(conversion),
            bom=bom.display_name,
        )

    def _backflush_bom_value(self, bom, depth=0, prices=None, kits=None):
        """``bom`` as the plain value the costing core takes, kits exploded recursively;
        components at ``prices`` where it names them, else at their standard; ``kits``
        (see _backflush_unit_standard) found here when not given."""
        prices = prices or {}
        self.ensure_one()
        if depth > MAX_KIT_DEPTH:  # deeper nesting is taken as a kit containing itself
            raise UserError(
                self.env._("The kits of bill of materials %s contain themselves.", bom.display_name)
            )
        lines = [line for line in bom.bom_line_ids if not line._skip_bom_line(self)]
        components = self.env["product.product"].concat(*(line.product_id for line in lines))
        if kits is None:
            kits = self.env["mrp.bom"]._bom_find(
                components, bom_type="phantom", company_id=bom.company_id.id or self.env.company.id
            )
        bom_lines = []
        for line in lines:
            component = line.product_id
            kit = kits.get(component)
            if not kit and not component.is_storable:
                # Consumables are expensed when bought: they are not materials in RIP.
                continue
            bom_lines.append(
                BomLine(
                    product=component.id,
                    quantity=to_decimal(line.product_qty),
                    uom_factor=to_decimal(
                        line.product_uom_id._compute_quantity(1.0, component.uom_id, round=False)
                    ),
                    unit_price=to_decimal(prices.get(component.id, component.standard_price)),
                    account=component._backflush_valuation_account().id,
                    kit=component._backflush_bom_value(kit, depth + 1, prices) if kit else None,
                )
            )
        operations = [
            Operation(
                minutes=to_decimal(
                    operation.workcenter_id._get_expected_duration(self)
                    + operation.time_cycle
                    * 100.0
                    / (operation.workcenter_id.time_efficiency or 100.0)
                ),
                cost_per_hour=to_decimal(operation._total_cost_per_hour()),
            )
            for operation in bom.operation_ids
            if not operation._skip_operation_line(self)
        ]
        return Bom(
            quantity=to_decimal(bom.product_qty),
            uom_factor=to_decimal(
                bom.product_uom_id._compute_quantity(1.0, self.uom_id, round=False)
            ),
            lines=tuple(bom_lines),
            operations=tuple(operations),
        )

    def _backflush_completion_value(
        self, trigger, quantity, standard, consumed, byproducts=(), finished_value=None
    ):
        """A completion of ``quantity`` units of this product as the costing core's value
        (``finished_value``: what its valuation layers put into stock, if known).

        Accounts and prices are read in the current company.
        """
        self.ensure_one()
        return Completion(
            trigger=trigger,
            quantity=quantity,
            finished_product=self.id,
            finished_unit_price=to_decimal(self.standard_price),
            standard=standard,
            accounts=self._backflush_completion_accounts(),
            consumed=consumed,
            byproducts=byproducts,
            rounding=to_decimal(self.env.company.currency_id.rounding),
            finished_value=finished_value,
        )

    def _backflush_completion_accounts(self):
        """The accounts of a completion of this product, read in the current company."""
        self.ensure_one()
        category = self.categ_id
        return CompletionAccounts(
            finished=category.property_stock_valuation_account_id.id,
            conversion=category.property_backflush_conversion_account_id.id,
            usage_variance=category.property_backflush_usage_variance_account_id.id,
            production_variance=category.property_backflush_production_variance_account_id.id,
            clearing=category.property_backflush_clearing_account_id.id or None,
        )

    @api.model
    def _backflush_with_current_accounts(self, items):
        """Costing ``items`` (with ``product`` and ``account``) on each product's valuation
        account as configured now: a queued posting keeps its event's figures, not the
        accounts it lacked."""
        products = self.browse([item.product for item in items])  # read together
        account_of = {
            product.id: product._backflush_valuation_account().id or None for product in products
        }
        return tuple(dataclasses.replace(item, account=account_of[item.product]) for item in items)

    @api.model
    def _backflush_fresh_standard(self, standard):
        """``standard`` (a UnitStandard) with each component's current valuation account."""
        return dataclasses.replace(
            standard, components=self._backflush_with_current_accounts(standard.components)
        )

    def _backflush_bom(self):
        """The manufacturing bill of materials whose standard this product is costed at."""
        self.ensure_one()
        return self.env["mrp.bom"]._bom_find(
            self, bom_type="normal", company_id=self.env.company.id
        )[self]

    def _backflush_is_shipment_costed(self, trigger=None):
        """Whether backflush costs this product when it is shipped: its category's trigger
        (or ``trigger``, one it is about to get) is Shipment and it is made (a bill of
        materials); bought ones keep Odoo's valuation. Read in the current company."""
        self.ensure_one()
        trigger = trigger or self.categ_id._backflush_trigger()
        return trigger == TRIGGER_SHIPMENT and bool(self._backflush_bom())

    def _backflush_valuation_account(self):
        """The stock valuation account of the product's category (RIP for components)."""
        self.ensure_one()
        return self.categ_id.property_stock_valuation_account_id

    def _backflush_valued(self, value_type, quantity, value=None, **fields):
        """``quantity`` (float, in the product's UoM) of this product at its standard
        price, on its valuation account, as the core's ``value_type`` (a ValuedQuantity:
        Consumption, ByProduct, ScrappedComponent, ReworkPart...); ``value``: what its
        valuation layers moved, if known."""
        self.ensure_one()
        return value_type(
            product=self.id,
            quantity=to_decimal(quantity),
            unit_price=to_decimal(self.standard_price),
            account=self._backflush_valuation_account().id,
            value=value,
            **fields,
        )

    def action_backflush_roll_up(self):
        """Set ``standard_price`` to the rolled-up material + conversion standard.

        Odoo posts its usual revaluation of the units on hand when the price changes.
        """
        boms = self.env["mrp.bom"]._bom_find(self, bom_type="normal")
        without_bom = self.filtered(lambda product: not boms.get(product))
        if without_bom:
            raise UserError(
                self.env._(
                    "Roll up standard cost needs a manufacturing bill of materials. "
                    "None was found for: %s",
                    ", ".join(without_bom.mapped("display_name")),
                )
            )
        not_standard = self.filtered(lambda product: product.cost_method != "standard")
        if not_standard:
            raise UserError(
                self.env._(
                    "Roll up standard cost only applies to products whose category uses the "
                    "Standard Price costing method: %s",
                    ", ".join(not_standard.mapped("display_name")),
                )
            )
        changes = [product._backflush_roll_up_one(boms[product]) for product in self]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Standard cost rolled up"),
                "message": " ".join(changes),
                "type": "success",
                "sticky": False,
                # reload the form so that it shows the new cost
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _backflush_roll_up_one(self, bom):
        """Roll this product's standard up from ``bom``; say what changed, in words, and
        when it did, in the product's chatter."""
        self.ensure_one()
        Rollup = self.env["mrp.backflush.standard.rollup"]
        material, conversion, byproducts, new_price = Rollup._rolled_up(self, bom, {})
        currency = self.env.company.currency_id
        old_price = self.standard_price
        figures = {
            "product": self.display_name,
            "old": self._backflush_amount(old_price),
            "new": self._backflush_amount(new_price),
            "material": self._backflush_amount(material),
            "conversion": self._backflush_amount(conversion),
            "byproducts": self._backflush_amount(byproducts),
        }
        # A completion credits its by-products to their own stock at their standards.
        parts = self.env._("material %(material)s + conversion %(conversion)s", **figures)
        if not currency.is_zero(byproducts):
            parts = self.env._("%(parts)s - by-products %(byproducts)s", parts=parts, **figures)
        if not currency.compare_amounts(old_price, new_price):
            return self.env._(
                "%(product)s: standard price unchanged at %(old)s (%(parts)s).",
                parts=parts,
                **figures,
            )
        ROLL_UP.on(self).standard_price = new_price
        change = self.env._(
            "%(product)s: standard price %(old)s -> %(new)s (%(parts)s).", parts=parts, **figures
        )
        self.product_tmpl_id._message_log(
            body=self.env._("Roll up standard cost (backflush): %s", change)
        )
        return change

    def _backflush_amount(self, amount):
        """``amount`` in the company currency, as the user reads it (e.g. "$ 31.00")."""
        self.ensure_one()
        return tools.format_amount(self.env, float(amount), self.env.company.currency_id)
