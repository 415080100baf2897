from decimal import Decimal

from odoo import models

from ..costing import (
    OUTPUT,
    Shipment,
    ShipmentAccounts,
    retarget,
    reversal_entry,
    shipment_entry,
    summarize,
)
from .mrp_backflush_posting import LINE_LABELS
from .product_product import to_decimal


class StockMove(models.Model):
    _inherit = "stock.move"

    def _backflush_replaces_entry(self):
        """Whether backflush costing posts this move's value instead of Odoo's per-move entry.

        True for the component, finished and by-product moves of a manufacturing order
        whose finished product is under a backflush trigger, and for the moves of an
        unbuild that backflush mirrors, and the scrap moves of such an order.
        """
        self.ensure_one()
        if self.scrapped:
            # Scrap of a backflushed order is posted by stock.scrap._backflush_post_scrap.
            scrap = self.scrap_id
            return bool(scrap) and scrap._backflush_is_backflushed()
        production = self.raw_material_production_id or self.production_id
        if production:
            return production._backflush_is_backflushed()
        if self.unbuild_id:
            return self.unbuild_id._backflush_mirrors()
        return False

    def _backflush_shipment_direction(self):
        """``delivery`` or ``return`` for a customer shipment that backflush costs, else None.

        Only finished products under the shipment trigger that have a bill of materials
        (bought products keep Odoo's valuation); dropships and transfers between
        warehouses are not shipments.
        """
        self.ensure_one()
        if self.raw_material_production_id or self.production_id or self.unbuild_id:
            return None
        if self.location_dest_id.usage == "customer" and self._is_out():
            direction = "delivery"
        elif self.location_id.usage == "customer" and self._is_in():
            direction = "return"
        else:
            return None
        product = self.product_id.with_company(self.company_id)
        if product.categ_id._backflush_trigger() != "shipment" or not product._backflush_bom():
            return None
        return direction

    def _account_entry_move(self, qty, description, svl_id, cost):
        # stock_account: the single gate through which every per-move valuation entry is
        # built (first posting, correction layers, FIFO vacuum). The valuation layer is kept.
        if self._backflush_replaces_entry():
            return []
        direction = self._backflush_shipment_direction()
        if direction and self.env.context.get("backflush_lot_swap"):
            return []  # a lot change: its -qty and +qty layers net to zero
        am_vals_list = super()._account_entry_move(qty, description, svl_id, cost)
        if am_vals_list and direction:
            am_vals_list = [
                self._backflush_shipment_vals(am_vals, direction, abs(qty), svl_id)
                for am_vals in am_vals_list
            ]
        return am_vals_list

    # ------------------------------------------------------------------
    # Shipment trigger: Odoo's delivery entry is kept (its debit on the stock output
    # account and its link to the move, which the customer invoice's COGS line
    # reconciles against) and only its finished-goods side is redirected to RIP and
    # Conversion Costs Applied.
    # ------------------------------------------------------------------

    def _backflush_shipment_vals(self, am_vals, direction, quantity, svl_id):
        """Odoo's entry values for this delivery or return, with the finished goods line
        replaced by backflush lines and the register record attached."""
        product = self.product_id
        self._backflush_check_shipment_configuration()
        valuation_account = product.categ_id.property_stock_valuation_account_id.id
        lines = [command[2] for command in am_vals["line_ids"]]
        valuation_line = next(line for line in lines if line["account_id"] == valuation_account)
        (output_line,) = [line for line in lines if line is not valuation_line]
        value = to_decimal(abs(valuation_line["balance"]))
        Posting = self.env["mrp.backflush.posting"]
        if direction == "delivery":
            kind, original = "shipment", Posting
            entry = Posting._costing(
                am_vals.get("ref") or self.reference,
                shipment_entry,
                self._backflush_shipment(quantity, value, output_line["account_id"]),
            ).entry
        else:
            kind, original = "reversal", self._backflush_original_shipment(quantity)
            entry = self._backflush_return_entry(original, quantity, value, output_line)
        am_vals["line_ids"] = [
            (0, 0, self._backflush_shipment_line(line, output_line)) for line in entry.lines
        ]
        register = Posting._register_vals(
            {
                "key": f"{kind}:{svl_id}",
                "kind": kind,
                "company": self.company_id,
                "name": self.picking_id.name or self.reference,
                "entry": entry,
                "summary": summarize(entry),
                "quantity": quantity,
                "register": {
                    "trigger": "shipment",
                    "picking_id": self.picking_id.id,
                    "stock_move_id": self.id,
                    "product_id": product.id,
                    "reversed_posting_id": original.id,
                },
            },
            am_vals["date"],
        )
        register.pop("move_id")
        am_vals["backflush_posting_ids"] = [(0, 0, register)]
        return am_vals

    def _backflush_shipment(self, quantity, value, output_account):
        product = self.product_id
        category = product.categ_id
        return Shipment(
            quantity=to_decimal(quantity),
            finished_product=product.id,
            delivered_value=value,
            standard=product._backflush_unit_standard(product._backflush_bom()),
            accounts=ShipmentAccounts(
                output=output_account,
                conversion=category.property_backflush_conversion_account_id.id,
                production_variance=category.property_backflush_production_variance_account_id.id,
            ),
            rounding=to_decimal(self.company_id.currency_id.rounding),
        )

    def _backflush_original_shipment(self, quantity):
        """The shipment posting a customer return undoes, if known and not yet undone."""
        origin = self.origin_returned_move_id
        if not origin:
            return self.env["mrp.backflush.posting"]
        original = (
            self.env["mrp.backflush.posting"]
            .sudo()
            .search(
                [("kind", "=", "shipment"), ("stock_move_id", "=", origin.id)],
                order="id",
                limit=1,
            )
        )
        rounding = self.product_id.uom_id.rounding
        if original and original._open_quantity() < quantity - rounding / 2:
            return self.env["mrp.backflush.posting"]  # more than that shipment still holds
        return original

    def _backflush_return_entry(self, original, quantity, value, output_line):
        """Mirror of ``quantity`` / shipped of the original shipment, or, without one, of a
        shipment at today's standard; the output line keeps Odoo's value of the return."""
        Posting = self.env["mrp.backflush.posting"]
        category = self.product_id.categ_id
        variance_account = category.property_backflush_production_variance_account_id.id
        rounding = to_decimal(self.company_id.currency_id.rounding)
        if original:
            lines = original._entry_lines()
            share = min(to_decimal(quantity) / to_decimal(original.quantity), Decimal(1))
        else:
            shipment = self._backflush_shipment(quantity, value, output_line["account_id"])
            lines = Posting._costing(self.reference, shipment_entry, shipment).entry.lines
            share = Decimal(1)
        mirrored = Posting._costing(
            self.reference, reversal_entry, lines, share, rounding, variance_account
        )
        return Posting._costing(
            self.reference, retarget, mirrored, OUTPUT, -value, variance_account
        )

    def _backflush_shipment_line(self, line, output_line):
        """Journal item values for a costing line, sharing Odoo's label and partner."""
        if line.kind == OUTPUT:
            return {**output_line, "balance": float(line.amount), "backflush_kind": OUTPUT}
        return {
            "name": f"{output_line['name']}: {LINE_LABELS.get(line.kind, line.kind)}",
            "ref": output_line.get("ref"),
            "partner_id": output_line.get("partner_id"),
            "account_id": line.account,
            "balance": float(line.amount),
            "product_id": line.product,
            "quantity": float(line.quantity) if line.quantity is not None else 0.0,
            "backflush_kind": line.kind,
        }

    def _backflush_check_shipment_configuration(self):
        product = self.product_id
        problems = product._backflush_finished_problems("shipment")
        standard_components = product._backflush_bom().bom_line_ids.product_id
        for component in standard_components.filtered("is_storable"):
            problems += component._backflush_input_problems()
        self.env["mrp.backflush.posting"]._raise_configuration_problems(
            self.env._("the shipment of %s", product.display_name), problems
        )
