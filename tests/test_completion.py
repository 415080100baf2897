from odoo.tests import tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestCompletion(BackflushCommon):
    """Completion triggers (Horngren variants A and C) at 1/1000 of the textbook example."""

    def test_textbook_completion(self):
        self._buy_textbook_materials()
        self.assertAmount(self._balance(self.rip), 1950.0, "RIP after purchase")
        production = self._make_mo(100)
        self._mark_done(production)

        self.assertEqual(production.state, "done")
        entry = self._backflush_entries(production)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.journal_id, self.journal)
        self.assertEqual(entry.state, "posted")
        self.assertIn(production.name, entry.ref)
        self.assertEntryBalances(entry, {self.fg: 3100.0, self.rip: -1900.0, self.applied: -1200.0})
        self.assertAmount(self._balance(self.rip), 50.0, "RIP at the end")
        self.assertAmount(self._balance(self.fg), 3100.0, "FG at the end")
        # One journal item per account and kind, each saying what it holds.
        finished_name = self.finished.display_name
        self.assertEqual(
            sorted(entry.line_ids.mapped("name")),
            sorted(
                [
                    f"Backflush {finished_name}: 100.00 Units at standard",
                    "Backflush: material consumed (actual quantity at standard price), 2 products",
                    f"Backflush {finished_name}: 100.00 Units conversion costs applied",
                ]
            ),
        )
        # Odoo's per-move entries are not posted; its valuation layers still are.
        moves = production.move_raw_ids | production.move_finished_ids
        layers = moves.stock_valuation_layer_ids
        self.assertEqual(len(layers), 3)
        self.assertEqual(layers.account_move_id, entry)
        self.assertAmount(sum(layers.mapped("value")), 3100.0 - 1900.0, "layers")
        self.assertFalse(self._balance(self.production_cost))
        # The order's chatter says what was posted: the entry's number, linking its
        # register record (which links the entry), and its amount.
        posting = production.backflush_posting_ids
        log = production.message_ids.filtered(lambda message: entry.name in message.body)
        self.assertEqual(len(log), 1)
        self.assertIn(
            f'data-oe-model="mrp.backflush.posting" data-oe-id="{posting.id}">{entry.name}</a>',
            log.body,
        )
        self.assertIn("Completion posted by backflush costing", log.body)
        self.assertIn("3,100.00", log.body)
        # The register links order and entry both ways.
        self.assertEqual(len(posting), 1)
        self.assertEqual(production.backflush_posting_count, 1)
        self.assertEqual(posting.move_id, entry)
        self.assertEqual(entry.backflush_posting_ids, posting)
        self.assertRecordValues(
            posting,
            [
                {
                    "kind": "completion",
                    "trigger": "completion",
                    "state": "posted",
                    "quantity": 100.0,
                    "material_standard": 1900.0,
                    "material_actual": 1900.0,
                    "conversion_standard": 1200.0,
                    "usage_variance": 0.0,
                    "production_variance": 0.0,
                    "finished_value": 3100.0,
                    "date_shifted": False,
                }
            ],
        )

    def test_textbook_completion_only(self):
        manual_categ = self._make_category(
            "Components (periodic)", self.rip, valuation="manual_periodic"
        )
        (self.component_a | self.component_b).categ_id = manual_categ
        self.finished_categ.property_backflush_trigger = "completion_only"
        self._buy_textbook_materials()
        self.assertFalse(self._balance(self.rip), "materials are not inventoried")

        production = self._make_mo(100)
        self._mark_done(production)

        entry = self._backflush_entries(production)
        self.assertEntryBalances(
            entry, {self.fg: 3100.0, self.clearing: -1900.0, self.applied: -1200.0}
        )
        self.assertEqual(production.backflush_posting_ids.trigger, "completion_only")

    def test_partial_completion_with_backorder(self):
        self._buy_textbook_materials()
        production = self._make_mo(100)
        self._produce(production, 40)
        self._mark_done(production, backorder=True)

        first = self._backflush_entries(production)
        self.assertEntryBalances(first, {self.fg: 1240.0, self.rip: -760.0, self.applied: -480.0})
        backorder = production.procurement_group_id.mrp_production_ids - production
        self.assertEqual(len(backorder), 1)
        self.assertFalse(self._backflush_entries(backorder))

        self._produce(backorder, 60)
        self._mark_done(backorder)
        second = self._backflush_entries(backorder)
        self.assertEntryBalances(second, {self.fg: 1860.0, self.rip: -1140.0, self.applied: -720.0})
        self.assertEqual(len(production.backflush_posting_ids), 1)
        self.assertAmount(self._balance(self.rip), 50.0, "RIP after both completions")

    def test_over_consumption_posts_usage_variance(self):
        production = self._complete_textbook_units(consumed={self.component_a: 210})

        entry = self._backflush_entries(production)
        self.assertEntryBalances(
            entry,
            {
                self.fg: 3100.0,
                self.rip: -1970.0,
                self.applied: -1200.0,
                self.usage_variance: 70.0,
            },
        )
        self.assertAmount(production.backflush_posting_ids.usage_variance, 70.0, "register")

    def test_under_consumption_credits_usage_variance(self):
        production = self._complete_textbook_units(consumed={self.component_b: 95})

        entry = self._backflush_entries(production)
        self.assertEntryBalances(
            entry,
            {
                self.fg: 3100.0,
                self.rip: -1875.0,
                self.applied: -1200.0,
                self.usage_variance: -25.0,
            },
        )

    def test_standard_price_off_roll_up_posts_production_variance(self):
        self.finished.standard_price = 30.0
        production = self._complete_textbook_units()

        entry = self._backflush_entries(production)
        self.assertEntryBalances(
            entry,
            {
                self.fg: 3000.0,
                self.rip: -1900.0,
                self.applied: -1200.0,
                self.production_variance: 100.0,
            },
        )
        self.assertAmount(production.backflush_posting_ids.production_variance, 100.0, "register")

    def test_several_orders_done_together(self):
        self._buy_textbook_materials()
        first, second = self._make_mo(30), self._make_mo(20)
        (first | second).button_mark_done()

        self.assertEntryBalances(
            self._backflush_entries(first), {self.fg: 930.0, self.rip: -570.0, self.applied: -360.0}
        )
        self.assertEntryBalances(
            self._backflush_entries(second),
            {self.fg: 620.0, self.rip: -380.0, self.applied: -240.0},
        )

    def test_locked_period_posts_on_first_open_day(self):
        self._buy_textbook_materials()
        today = (
            self.env["mrp.backflush.posting"]
            ._fields["date"]
            .context_today(self.env["mrp.backflush.posting"])
        )
        self.company.fiscalyear_lock_date = today
        production = self._make_mo(10)
        self._mark_done(production)

        posting = production.backflush_posting_ids
        self.assertEqual(posting.date, today)
        self.assertGreater(posting.accounting_date, today)
        self.assertTrue(posting.date_shifted)
        self.assertIn("locked", posting.note)
        self.assertEqual(posting.move_id.date, posting.accounting_date)

    def test_none_trigger_keeps_odoo_valuation(self):
        self.finished_categ.property_backflush_trigger = "none"
        production = self._complete_textbook_units()

        self.assertFalse(self._backflush_entries(production))
        self.assertFalse(production.backflush_posting_ids)
        moves = production.move_raw_ids | production.move_finished_ids
        entries = moves.account_move_ids
        self.assertEqual(len(entries), 3, "one Odoo entry per valued move")
        self.assertEqual(entries.journal_id, self.stock_journal)
        # Odoo's standard-cost flow: components and finished goods through the production
        # account, which keeps actual - standard (here zero conversion was posted).
        self.assertAmount(self._balance(self.rip), 50.0, "RIP")
        self.assertAmount(self._balance(self.fg), 3100.0, "FG")
        self.assertAmount(self._balance(self.production_cost), -1200.0, "production account")
        self.assertFalse(self._balance(self.applied))

    def test_edit_of_done_quantities_is_refused(self):
        self._buy_textbook_materials()
        production = self._make_mo(10)
        self._mark_done(production)
        production.action_toggle_is_locked()
        move = production.move_raw_ids.filtered(lambda m: m.product_id == self.component_a)
        with self.assertRaisesRegex(Exception, "costed by backflush"):
            move.move_line_ids.quantity = 25

    def test_byproduct_at_its_own_standard(self):
        """0.1 kg of scrap metal (2.00/unit) per unit: its standard leaves production variance."""
        scrap_metal = self._make_product("Scrap metal", self.components_categ, 2.0)
        self.bom.byproduct_ids = [(0, 0, {"product_id": scrap_metal.id, "product_qty": 0.1})]
        production = self._complete_textbook_units()

        entry = self._backflush_entries(production)
        self.assertEntryBalances(
            entry,
            {
                self.fg: 3100.0,
                self.rip: -1900.0 + 20.0,  # the by-product enters RIP (its category's account)
                self.applied: -1200.0,
                self.production_variance: -20.0,
            },
        )
        self.assertEqual(scrap_metal.qty_available, 10.0)

    def test_order_completed_while_another_company_is_current(self):
        """Prices and accounts are read in the order's company, not the user's current one."""
        other = self.setup_other_company(name="Backflush Chicago")["company"]
        self.env.user.company_ids |= other
        self._buy_textbook_materials()
        production = self._make_mo(10)

        production.with_context(allowed_company_ids=[other.id, self.company.id]).button_mark_done()

        entry = self._backflush_entries(production)
        self.assertEqual(entry.company_id, self.company)
        self.assertEntryBalances(entry, {self.fg: 310.0, self.rip: -190.0, self.applied: -120.0})
