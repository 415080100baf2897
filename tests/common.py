from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class BackflushCommon(AccountTestInvoicingCommon):
    """A small plant: components A (7.00) and B (5.00), finished product P made of 2 A + 1 B
    with a standard conversion cost of 12.00 and a standard price of 31.00: Horngren's
    backflush example (standard material 19, conversion 12).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Automated valuation switched on as Settings does it (for every internal user):
        # settings saved later (e.g. by creating a warehouse) then keep it on.
        cls.env.ref("base.group_user").implied_ids |= cls.env.ref(
            "stock_account.group_stock_accounting_automatic"
        )
        cls.company = cls.env.company
        cls.stock_location = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .lot_stock_id
        )
        cls.journal = cls.company.backflush_journal_id
        # Tests of a missing setting expect it to stop the operation; the queue has its own.
        cls.company.backflush_blocked_posting = "stop"

        account = cls._make_account
        cls.stock_journal = cls.env["account.journal"].create(
            {"name": "Stock (test)", "code": "STKT", "type": "general"}
        )
        cls.stock_input = account("BF.IN", "Stock interim received", "asset_current", True)
        cls.stock_output = account("BF.OUT", "Stock interim delivered", "asset_current", True)
        cls.rip = account("BF.RIP", "Materials and in-process", "asset_current")
        cls.fg = account("BF.FG", "Finished goods", "asset_current")
        cls.production_cost = account("BF.PRD", "Cost of production", "asset_current")
        cls.applied = account("BF.APP", "Conversion costs applied", "expense")
        cls.usage_variance = account("BF.USE", "Material usage variance", "expense")
        cls.scrap_variance = account("BF.SCR", "Scrap variance", "expense")
        cls.production_variance = account("BF.PRV", "Production variance", "expense")
        cls.clearing = account("BF.CLR", "Materials clearing", "asset_current")

        cls.components_categ = cls._make_category("Components", cls.rip)
        cls.finished_categ = cls._make_category(
            "Finished goods",
            cls.fg,
            property_backflush_trigger="completion",
            **cls._backflush_account_values(),
            property_backflush_clearing_account_id=cls.clearing.id,
        )
        cls.component_a = cls._make_product("Component A", cls.components_categ, 7.0)
        cls.component_b = cls._make_product("Component B", cls.components_categ, 5.0)
        cls.finished = cls._make_product(
            "Finished P", cls.finished_categ, 31.0, backflush_conversion_cost=12.0
        )
        cls.bom = cls._make_bom(cls.finished, [(cls.component_a, 2), (cls.component_b, 1)])

    # ---- set-up helpers -------------------------------------------------

    @classmethod
    def _make_account(cls, code, name, account_type, reconcile=False):
        return cls.env["account.account"].create(
            {"code": code, "name": name, "account_type": account_type, "reconcile": reconcile}
        )

    @classmethod
    def _make_category(cls, name, valuation_account, valuation="real_time", **values):
        return cls.env["product.category"].create(
            {
                "name": name,
                "property_cost_method": "standard",
                "property_valuation": valuation,
                "property_stock_valuation_account_id": valuation_account.id,
                "property_stock_account_input_categ_id": cls.stock_input.id,
                "property_stock_account_output_categ_id": cls.stock_output.id,
                "property_stock_account_production_cost_id": cls.production_cost.id,
                "property_stock_journal": cls.stock_journal.id,
                **values,
            }
        )

    @classmethod
    def _backflush_account_values(cls):
        """The category accounts every backflush trigger needs, as create values."""
        return {
            "property_backflush_conversion_account_id": cls.applied.id,
            "property_backflush_usage_variance_account_id": cls.usage_variance.id,
            "property_backflush_scrap_variance_account_id": cls.scrap_variance.id,
            "property_backflush_production_variance_account_id": cls.production_variance.id,
        }

    @classmethod
    def _make_sub_assembly_category(cls):
        """A category of sub-assemblies costed at completion and valued in an account of its
        own (BF.SUB), which a finished product under another trigger holds."""
        return cls._make_category(
            "Sub-assemblies",
            cls._make_account("BF.SUB", "Sub-assemblies", "asset_current"),
            property_backflush_trigger="completion",
            **cls._backflush_account_values(),
        )

    @classmethod
    def _make_product(cls, name, category, standard_price, **values):
        return cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "categ_id": category.id,
                "standard_price": standard_price,
                **values,
            }
        )

    @classmethod
    def _make_bom(cls, product, lines, quantity=1.0, bom_type="normal", **values):
        return cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_id": product.id,
                "product_qty": quantity,
                "type": bom_type,
                "bom_line_ids": [
                    Command.create(
                        {
                            "product_id": component.id,
                            "product_qty": qty,
                            **(extra[0] if extra else {}),
                        }
                    )
                    for component, qty, *extra in lines
                ],
                **values,
            }
        )

    def _make_user(self, login, groups):
        """A user of this company only, with ``groups`` (comma-separated xml ids)."""
        return new_test_user(
            self.env,
            login=login,
            groups=groups,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )

    def _force_trigger(self, category, trigger):
        """Set ``category``'s trigger past the rule that refuses a change while finished
        units or orders are under way (product.category._backflush_check_trigger_change):
        for tests that reuse one plant under several triggers."""
        self.env.cr.execute(
            "UPDATE product_category SET property_backflush_trigger = "
            "COALESCE(property_backflush_trigger, '{}') || jsonb_build_object(%s::text, %s::text) "
            "WHERE id = %s",
            [str(self.company.id), trigger, category.id],
        )
        category.invalidate_recordset(["property_backflush_trigger"])

    @classmethod
    def _route(cls, bom, minutes_per_unit=12.0):
        """Work orders switched on as Settings does it (Manufacturing > Work Orders), and
        one operation on ``bom`` in a work centre at 60.00 an hour; returns the centre."""
        cls.env.ref("base.group_user").implied_ids |= cls.env.ref("mrp.group_mrp_routings")
        workcenter = cls.env["mrp.workcenter"].create(
            {"name": "Assembly (routed)", "costs_hour": 60.0, "time_efficiency": 100.0}
        )
        bom.operation_ids = [
            Command.create(
                {
                    "name": "Assemble",
                    "workcenter_id": workcenter.id,
                    "time_cycle_manual": minutes_per_unit,
                }
            )
        ]
        return workcenter

    def _log_time(self, production, minutes):
        """``minutes`` of productive time logged on the order's work order, as a worker
        starting and stopping it does."""
        workorder = production.workorder_ids
        self.assertEqual(len(workorder), 1)
        productive = self.env["mrp.workcenter.productivity.loss"].search(
            [("loss_type", "=", "productive")], limit=1
        )
        now = fields.Datetime.now()
        self.env["mrp.workcenter.productivity"].create(
            {
                "workorder_id": workorder.id,
                "workcenter_id": workorder.workcenter_id.id,
                "loss_id": productive.id,
                "date_start": now - timedelta(minutes=minutes),
                "date_end": now,
            }
        )
        return workorder

    # ---- flow helpers ---------------------------------------------------

    def _receive(self, product, quantity):
        """Put components in stock as a purchase would (valued at standard)."""
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": product.id,
                "location_id": self.stock_location.id,
                "inventory_quantity": quantity,
            }
        ).action_apply_inventory()

    def _make_mo(self, quantity, bom=None):
        bom = bom or self.bom
        form = Form(self.env["mrp.production"])
        form.product_id = bom.product_id
        form.bom_id = bom
        form.product_qty = quantity
        production = form.save()
        production.action_confirm()
        return production

    def _produce(self, production, quantity, consumed=None):
        """Record ``quantity`` good units; ``consumed`` overrides component quantities."""
        form = Form(production)
        form.qty_producing = quantity
        production = form.save()
        for product, qty in (consumed or {}).items():
            move = production.move_raw_ids.filtered(lambda m, p=product: m.product_id == p)
            move.quantity = qty
            move.picked = True
        return production

    def _mark_done(self, production, backorder=False):
        action = production.button_mark_done()
        if isinstance(action, dict) and action.get("res_model") == "mrp.consumption.warning":
            warning = Form(self.env["mrp.consumption.warning"].with_context(**action["context"]))
            action = warning.save().action_confirm()
        if isinstance(action, dict) and action.get("res_model") == "mrp.production.backorder":
            wizard = Form(self.env["mrp.production.backorder"].with_context(**action["context"]))
            wizard = wizard.save()
            if backorder:
                wizard.action_backorder()
            else:
                wizard.action_close_mo()
        return production

    def _complete_in_a_lot(self, quantity):
        """``quantity`` finished units made in a lot of their own (the finished product is
        tracked by lots from now on), the order done."""
        self.finished.tracking = "lot"
        production = self._make_mo(quantity)
        form = Form(production)
        form.qty_producing = quantity
        production = form.save()
        production.action_generate_serial()
        return self._mark_done(production)

    # ---- the textbook example -------------------------------------------

    def _buy_textbook_materials(self, a=200, b=110):
        """Components bought for the textbook's 100 units: by default 200 A at 7.00 and
        110 B at 5.00, 1,950.00 of materials, of which 10 B are left after the order."""
        self._receive(self.component_a, a)
        self._receive(self.component_b, b)

    def _complete_textbook_units(self, consumed=None, a=200, b=110):
        """The textbook's 100 units completed: their materials bought (``a`` and ``b`` as in
        _buy_textbook_materials), the order done consuming the bill, or what ``consumed``
        says of a component. Returns the order."""
        self._buy_textbook_materials(a, b)
        production = self._make_mo(100)
        if consumed:
            production = self._produce(production, 100, consumed)
        return self._mark_done(production)

    # ---- assertions -----------------------------------------------------

    def _balance(self, account):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        return self.company.currency_id.round(sum(lines.mapped("balance")))

    def _backflush_entries(self, production):
        return self.env["account.move"].search([("backflush_production_id", "=", production.id)])

    def assertEntryBalances(self, entry, expected):
        """``expected``: {account: balance}; every other account of the entry must be absent."""
        actual = {}
        for line in entry.line_ids:
            actual[line.account_id] = actual.get(line.account_id, 0.0) + line.balance
        self.assertEqual(set(actual), set(expected), f"accounts of {entry.name}")
        for account, balance in expected.items():
            self.assertAmount(actual[account], balance, f"{account.code} on {entry.name}")

    def assertAmount(self, actual, expected, label=""):
        currency = self.company.currency_id
        if currency.compare_amounts(actual, expected) != 0:
            self.fail(f"{label}: {actual} != {expected}")

    # ---- shipment helpers ----------------------------------------------

    def _deliver(self, product, quantity, done_quantity=None, user=None, validate=True):
        """A delivery of ``quantity`` to a customer; ``done_quantity`` of it validated."""
        warehouse = self.stock_location.warehouse_id
        customers = self.env.ref("stock.stock_location_customers")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": customers.id,
                "partner_id": self.partner_a.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        if validate:
            self._validate(picking, done_quantity or quantity, user=user)
        return picking

    def _validate(self, picking, quantity, backorder=True, user=None):
        picking = picking.with_user(user) if user else picking
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        action = picking.button_validate()
        if isinstance(action, dict) and action.get("res_model") == "stock.backorder.confirmation":
            wizard = Form(
                self.env["stock.backorder.confirmation"].with_context(**action["context"])
            ).save()
            wizard.process() if backorder else wizard.process_cancel_backorder()
        return picking

    def _return(self, picking, quantity):
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_ids=picking.ids, active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = quantity
        action = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        self._validate(returned, quantity)
        return returned

    def _picking_entries(self, picking):
        return picking.move_ids.account_move_ids


class ConversionCloseCommon(BackflushCommon):
    """The plant with what a period close of conversion costs reads: actual labour and
    overhead debited to a conversion costs control account against accrued liabilities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control = cls._make_account("BF.CTL", "Conversion costs control", "expense")
        cls.accrued = cls._make_account("BF.ACR", "Accrued wages and overhead", "liability_current")
        cls.today = fields.Date.context_today(cls.env["mrp.backflush.posting"])

    def _incur_conversion(self, amount, date=None):
        """Actual labour and overhead: Dr Control / Cr accrued liabilities."""
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company_data["default_journal_misc"].id,
                "date": date or self.today,
                "line_ids": [
                    Command.create({"account_id": self.control.id, "debit": amount}),
                    Command.create({"account_id": self.accrued.id, "credit": amount}),
                ],
            }
        )
        entry.action_post()
        return entry
