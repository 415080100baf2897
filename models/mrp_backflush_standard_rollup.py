from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from ..costing import (
    BomCycle,
    levels,
    to_decimal,
)


class MrpBackflushStandardRollup(models.AbstractModel):
    """The multi-level roll-up of a standard cost update (mrp.backflush.standard.update).

    ``_walk`` reads every bill of materials below the products in scope, a batch of
    products per level of the structure (not one query per product); ``_rolled_up``
    computes a made product's standard from its components' new standards as a
    completion costs it (product.product._backflush_unit_standard: kits exploded, units of
    measure converted, the conversion standard) less its by-products at their new
    standards, which a completion credits to their own stock."""

    _name = "mrp.backflush.standard.rollup"
    _description = "Backflush Multi-Level Standard Roll-Up"

    @api.model
    def _walk(self, scope, company):
        """``(bom_of, levels, kits)`` for ``scope`` and everything below it: bom_of maps
        each made product to its manufacturing bill of materials, levels each product to
        its low-level number (costing.rollup: 0 bought, sub-assemblies below their users),
        kits each component to its kit bill of materials. Refuses bills of materials that
        contain themselves, naming them."""
        Bom = self.env["mrp.bom"].with_company(company)
        Product = self.env["product.product"]
        bom_of, components_of, kits = {}, {}, {}
        todo, seen = scope, Product
        while todo:
            seen |= todo
            found = Bom._bom_find(todo, bom_type="normal", company_id=company.id)
            made = todo.filtered(lambda product, found=found: found.get(product))
            level_kits = self._kits_of(made, [found[product] for product in made], company)
            kits.update(level_kits)
            below = Product
            for product in made:
                bom_of[product] = found[product]
                inputs = self._inputs(product, found[product], company, level_kits)
                components_of[product.id] = inputs.ids
                below |= inputs
            todo = below - seen
        try:
            level_of = levels(components_of)
        except BomCycle as cycle:
            names = Product.browse(cycle.chain).mapped("display_name")
            raise UserError(
                self.env._(
                    "These bills of materials contain themselves, so no standard can be "
                    "rolled up: %s. Correct one of them and compute again.",
                    " -> ".join(names),
                )
            ) from None
        # Products in scope without a bill of materials are bought: level 0.
        return bom_of, {product: level_of.get(product.id, 0) for product in seen}, kits

    @api.model
    def _kits_of(self, products, boms, company):
        """{component: kit bill of materials} of the lines of ``boms`` (those of
        ``products``), found at once; what Odoo's _skip_bom_line, _skip_byproduct_line and
        _skip_operation_line read is read for all of them too, so that the per-product
        walk and roll-up make no query of their own."""
        boms = self.env["mrp.bom"].concat(*boms)
        products.mapped("product_template_attribute_value_ids")
        for records in (boms.bom_line_ids, boms.byproduct_ids, boms.operation_ids):
            records.mapped("bom_product_template_attribute_value_ids")
        return self.env["mrp.bom"]._bom_find(
            boms.bom_line_ids.product_id, bom_type="phantom", company_id=company.id
        )

    @api.model
    def _inputs(self, product, bom, company, kits=None, depth=0):
        """The storable components of ``bom`` (kits exploded in place) and its by-products:
        what ``product``'s standard is rolled up from. ``kits``: see _kits_of (found here
        for the lines of a kit)."""
        if depth > 20:  # as product.product._backflush_bom_value refuses it
            raise UserError(
                self.env._("The kits of bill of materials %s contain themselves.", bom.display_name)
            )
        lines = bom.bom_line_ids.filtered(lambda line: not line._skip_bom_line(product))
        if kits is None:
            kits = self.env["mrp.bom"]._bom_find(
                lines.product_id, bom_type="phantom", company_id=company.id
            )
        inputs = self.env["product.product"]
        for line in lines:
            kit = kits.get(line.product_id)
            if kit:
                inputs |= self._inputs(line.product_id, kit, company, depth=depth + 1)
            elif line.product_id.is_storable:
                inputs |= line.product_id
        byproducts = bom.byproduct_ids.filtered(lambda byp: not byp._skip_byproduct_line(product))
        return inputs | byproducts.product_id

    @api.model
    def _rolled_up(self, product, bom, prices, kits=None):
        """``(material, conversion, byproducts, standard)`` of one unit of ``product`` at
        the standards ``prices`` ({product id: price}; others at their current standard),
        ``standard`` rounded to the precision Odoo keeps a standard price in. ``kits``:
        see _kits_of."""
        standard = product._backflush_unit_standard(bom, prices=prices, kits=kits)
        byproducts = self._byproducts_per_unit(product, bom, prices)
        digits = self.env["decimal.precision"].precision_get("Product Price")
        total = float(standard.total_per_unit - byproducts)
        return (
            float(standard.material_per_unit),
            float(standard.conversion_per_unit),
            float(byproducts),
            float_round(total, precision_digits=digits),
        )

    @api.model
    def _byproducts_per_unit(self, product, bom, prices):
        """The by-products of one unit of ``product`` at their standards, as a completion
        values them (product.product, by-products in their own unit)."""
        bom_quantity = to_decimal(
            bom.product_uom_id._compute_quantity(bom.product_qty, product.uom_id)
        )
        value = to_decimal(0)
        for byproduct in bom.byproduct_ids:
            if byproduct._skip_byproduct_line(product):
                continue
            made = byproduct.product_id
            quantity = to_decimal(
                byproduct.product_uom_id._compute_quantity(byproduct.product_qty, made.uom_id)
            )
            price = to_decimal(prices.get(made.id, made.standard_price))
            value += quantity / bom_quantity * price
        return value
