from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, split_every

from ..costing import (
    CostingError,
    condensed,
    to_decimal,
)
from .internal_context import UPDATE_FIGURES


class MrpBackflushStandardUpdateCompute(models.AbstractModel):
    """Compute of a standard cost update (mrp.backflush.standard.update): the lines, level
    by level, their units on hand and revaluation, and the preview of the entry. Nothing
    in the books changes here."""

    _name = "mrp.backflush.standard.update.compute"
    _description = "Backflush Standard Cost Update: Compute"

    def _scope(self):
        """The products in scope: those chosen and those of the chosen categories."""
        self.ensure_one()
        Product = self.env["product.product"].with_company(self.company_id)
        in_categories = (
            Product.search(
                [("categ_id", "child_of", self.category_ids.ids), ("type", "=", "consu")]
            )
            if self.category_ids
            else Product
        )
        return (self.product_ids | in_categories).with_company(self.company_id)

    # ------------------------------------------------------------------
    # Compute: the lines and the preview of the entry; nothing in the books.
    # ------------------------------------------------------------------

    def action_compute(self):
        for update in self:
            if update.state not in ("draft", "computed"):
                raise UserError(
                    self.env._(
                        "%(update)s is %(state)s: only a draft or computed update is computed.",
                        update=update.name,
                        state=update._state_label(),
                    )
                )
            UPDATE_FIGURES.on(update.with_company(update.company_id))._compute_lines()
        return True

    def _compute_lines(self):
        self.ensure_one()
        scope = self._scope()
        if not scope:
            raise UserError(
                self.env._("Choose the products (or categories) whose standards to update.")
            )
        # The bills of materials are read as the superuser: an accounting administrator
        # computes and posts without Manufacturing rights (the update is theirs to run).
        Rollup = self.env["mrp.backflush.standard.rollup"].sudo()
        bom_of, level_of, kits = Rollup._walk(scope.sudo(), self.company_id)
        lines = self._lines_for(level_of)
        figures = self._roll_up(lines, level_of, bom_of, kits)
        self._value_on_hand(lines, figures)
        self._preview(figures)
        self.problems = "\n".join(self._problems(scope, bom_of, figures)) or False
        self._write_figures(figures)
        self.state = "computed"

    def _lines_for(self, level_of):
        """A line per product reached, ordered by level; an existing line keeps its
        planned price, a new one starts at the current standard."""
        self.line_ids.filtered(lambda line: line.product_id not in level_of).unlink()
        present = set(self.line_ids.product_id.ids)
        self.env["mrp.backflush.standard.update.line"].create(
            [
                {
                    "update_id": self.id,
                    "product_id": product.id,
                    "planned_price": product.standard_price,
                }
                for product in level_of
                if product.id not in present
            ]
        )
        return self.line_ids.sorted(lambda line: (level_of[line.product_id], line.product_id.id))

    def _roll_up(self, lines, level_of, bom_of, kits):
        """Each line's figures, level by level ({line id: {field: value}}), each made
        product rolled up from the new standards of the lines before it."""
        Rollup = self.env["mrp.backflush.standard.rollup"].sudo()
        prices, figures = {}, {}
        for line in lines:
            product = line.product_id.sudo().with_company(self.company_id)
            bom = bom_of.get(product)
            row = {
                "product": product,
                "level": level_of[product],
                "bom_id": bom.id if bom else None,
                "current_standard": product.standard_price,
                "at_standard": product.cost_method == "standard",
                "material_per_unit": 0.0,
                "conversion_per_unit": 0.0,
                "byproducts_per_unit": 0.0,
            }
            if not row["at_standard"]:
                new = row["current_standard"]  # rolled up at its cost, never changed
            elif bom:
                try:
                    material, conversion, byproducts, new = Rollup._rolled_up(
                        product, bom, prices, kits
                    )
                except CostingError as error:
                    raise UserError(
                        self.env._(
                            "%(product)s cannot be rolled up: %(error)s",
                            product=product.display_name,
                            error=error,
                        )
                    ) from None
                row.update(
                    material_per_unit=material,
                    conversion_per_unit=conversion,
                    byproducts_per_unit=byproducts,
                )
            else:
                new = line.planned_price
            row["new_standard"] = new
            prices[product.id] = new
            figures[line.id] = row
        return figures

    def _value_on_hand(self, lines, figures):
        """Each line's units on hand and their revaluation, as Odoo's standard price
        change will value them (stock_account _change_standard_price)."""
        products = lines.product_id.sudo().with_company(self.company_id)
        quantity_of = {p.id: (p.quantity_svl, p.value_svl) for p in products}
        currency = self.company_id.currency_id
        for line in lines:
            row = figures[line.id]
            quantity, value = quantity_of[line.product_id.id]
            revaluation = 0.0
            moves = row["at_standard"] and self._price_moves(row) and quantity > 0
            if moves and self._posts_stock(line.product_id, row["bom_id"]):
                revaluation = currency.round(row["new_standard"] * quantity - value)
            accounts = line.product_id.product_tmpl_id.with_company(
                self.company_id
            ).get_product_accounts()
            row.update(
                quantity_on_hand=quantity,
                stock_revaluation=revaluation,
                stock_account_id=accounts["stock_valuation"].id or None,
            )

    def _price_moves(self, row):
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return (
            float_compare(row["new_standard"], row["current_standard"], precision_digits=digits)
            != 0
        )

    def _moves(self, line):
        return self._price_moves(
            {"new_standard": line.new_standard, "current_standard": line.current_standard}
        )

    def _changed_lines(self):
        return self.line_ids.filtered(lambda line: line.at_standard and self._moves(line))

    def _preview(self, figures):
        """The entry as Post will post it, per account, and each holder's share."""
        changed = [row for row in figures.values() if row["at_standard"] and self._price_moves(row)]
        Product = self.env["product.product"]
        holders = self._holders(Product.concat(*(row["product"] for row in changed)))
        prices = {row["product"].id: row["new_standard"] for row in figures.values()}
        Revaluation = self.env["mrp.backflush.revaluation"].with_company(self.company_id)
        standards_now, standards_new = Revaluation._held_standards(holders, {}, prices)
        before, after = self._held_on_hand(standards_now), self._held_on_hand(standards_new)
        currency = self.company_id.currency_id
        stock = [
            self._stock_revaluation(row["product"], to_decimal(row["stock_revaluation"]))
            for row in changed
            if not currency.is_zero(row["stock_revaluation"])
        ]
        result = self._entry(stock, before, after)
        held = self._held_change_by_product(before, after)
        for row in figures.values():
            row["held_revaluation"] = float(held.get(row["product"].id, 0))
        self._write_totals(result.entry)

    def _write_figures(self, figures):
        """Write every line's figures in one statement per thousand lines: through the
        ORM, the conversion of each figure to its precision costs more than the roll-up
        at 10,000 products (tools/bench --standards)."""
        Line = self.env["mrp.backflush.standard.update.line"]
        columns = [
            ("level", "int4"),
            ("bom_id", "int4"),
            ("current_standard", "float8"),
            ("at_standard", "bool"),
            ("material_per_unit", "float8"),
            ("conversion_per_unit", "float8"),
            ("byproducts_per_unit", "float8"),
            ("new_standard", "float8"),
            ("quantity_on_hand", "float8"),
            ("stock_revaluation", "numeric"),
            ("stock_account_id", "int4"),
            ("held_revaluation", "numeric"),
        ]
        digits = self.env["decimal.precision"].precision_get("Product Price")
        rounded = {
            "current_standard",
            "material_per_unit",
            "conversion_per_unit",
            "byproducts_per_unit",
            "new_standard",
        }
        rows = [
            (
                line_id,
                *(
                    round(row[name], digits) if name in rounded else row[name]
                    for name, _type in columns
                ),
            )
            for line_id, row in figures.items()
        ]
        assignments = SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name, _t in columns
        )
        casts = SQL(", ").join(
            SQL("%s::%s", SQL.identifier(name), SQL(sql_type)) for name, sql_type in columns
        )
        names = SQL(", ").join(SQL.identifier(name) for name, _t in columns)
        Line.flush_model()
        for chunk in split_every(1000, rows):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mrp_backflush_standard_update_line AS line
                       SET %(assignments)s, change = v.new_standard - v.current_standard,
                           is_made = v.bom_id IS NOT NULL
                      FROM (SELECT id, %(casts)s FROM (VALUES %(values)s)
                            AS raw (id, %(names)s)) AS v
                     WHERE line.id = v.id
                    """,
                    assignments=assignments,
                    casts=casts,
                    values=SQL(", ").join(SQL("%s", row) for row in chunk),
                    names=names,
                )
            )
        Line.invalidate_model()

    def _write_totals(self, entry):
        """One row per account and kind of ``entry`` (a costing Entry), as it is posted:
        condensed, as mrp.backflush.entry condenses it into journal items."""
        self.total_ids.unlink()
        Entry = self.env["mrp.backflush.entry"]
        self.env["mrp.backflush.standard.update.total"].create(
            [
                {
                    "update_id": self.id,
                    "sequence": index,
                    "account_id": line.account,
                    "description": Entry._line_label(line),
                    "debit": float(line.debit),
                    "credit": float(line.credit),
                }
                for index, line in enumerate(condensed(entry).lines)
            ]
        )

    def _problems(self, scope, bom_of, figures):
        """What Compute could not roll up, listed rather than guessed."""
        problems = []
        trigger_of = {categ: categ._backflush_trigger() for categ in scope.categ_id}
        no_bill = scope.filtered(
            lambda p: p not in bom_of and trigger_of[p.categ_id] not in (False, "none")
        )
        if no_bill:
            problems.append(
                self.env._(
                    "No bill of materials, so not rolled up (its planned price is used as it "
                    "is): %s",
                    ", ".join(no_bill.mapped("display_name")),
                )
            )
        not_standard = self.env["product.product"].concat(
            *(row["product"] for row in figures.values() if not row["at_standard"])
        )
        if not_standard:
            problems.append(
                self.env._(
                    "Not at Standard Price (rolled up at their current cost, not changed): %s",
                    ", ".join(not_standard.mapped("display_name")),
                )
            )
        return problems
