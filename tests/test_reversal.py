from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestReversal(BackflushCommon):
    """Unbuilds post the mirror of the share of the completion they undo."""

    def _backflush_accounts(self):
        return (
            self.rip,
            self.fg,
            self.applied,
            self.usage_variance,
            self.production_variance,
            self.clearing,
        )

    def _balances(self):
        return {account: self._balance(account) for account in self._backflush_accounts()}

    def _unbuild(self, production, quantity):
        form = Form(self.env["mrp.unbuild"])
        form.mo_id = production
        form.product_qty = quantity
        unbuild = form.save()
        unbuild.action_unbuild()
        return unbuild

    def _complete_with_over_consumption(self):
        production = self._make_mo(100)
        self._produce(production, 100, consumed={self.component_a: 210})
        self._mark_done(production)
        return production

    def test_full_unbuild_mirrors_original_amounts_after_a_price_change(self):
        self._buy_textbook_materials(a=210, b=100)
        before = self._balances()
        production = self._complete_with_over_consumption()
        completion = production.backflush_posting_ids
        # A new standard after the completion (no component A is left in stock, so Odoo
        # posts no revaluation): the mirror still uses the original 7.00.
        self.component_a.standard_price = 9.0

        unbuild = self._unbuild(production, 100)

        reversal = production.backflush_posting_ids - completion
        self.assertEqual(reversal.kind, "reversal")
        self.assertEqual(reversal.unbuild_id, unbuild)
        self.assertEqual(reversal.reversed_posting_id, completion)
        self.assertEntryBalances(
            reversal.move_id,
            {
                self.fg: -3100.0,
                self.rip: 1970.0,
                self.applied: 1200.0,
                self.usage_variance: -70.0,
            },
        )
        self.assertEqual(completion.state, "reversed")
        self.assertEqual(completion.reversed_quantity, 100.0)
        # After the full undo every backflush account is back where it was.
        after = self._balances()
        for account in self._backflush_accounts():
            self.assertAmount(after[account], before[account], account.name)
        self.assertFalse(self._balance(self.production_cost), "no Odoo unbuild entry")

    def test_partial_unbuilds_share_the_completion(self):
        self._buy_textbook_materials(a=210, b=100)
        production = self._complete_with_over_consumption()
        completion = production.backflush_posting_ids

        first = self._unbuild(production, 40)
        first_reversal = production.backflush_posting_ids.filtered(
            lambda posting: posting.unbuild_id == first
        )
        self.assertEntryBalances(
            first_reversal.move_id,
            {
                self.fg: -1240.0,
                self.rip: 788.0,
                self.applied: 480.0,
                self.usage_variance: -28.0,
            },
        )
        self.assertEqual(completion.state, "posted")
        self.assertEqual(completion.reversed_quantity, 40.0)

        self._unbuild(production, 60)
        self.assertEqual(completion.state, "reversed")
        entries = self._backflush_entries(production)
        for account in (self.fg, self.rip, self.applied, self.usage_variance):
            lines = entries.line_ids.filtered(lambda line, a=account: line.account_id == a)
            self.assertAmount(sum(lines.mapped("balance")), 0.0, account.name)

    def test_unbuilds_in_thirds_leave_no_cent_behind(self):
        # 3 units taking one component A too many: RIP is credited 64.00 and the usage
        # variance debited 7.00, neither a multiple of three cents.
        self._receive(self.component_a, 7)
        self._receive(self.component_b, 3)
        production = self._make_mo(3)
        self._produce(production, 3, consumed={self.component_a: 7})
        self._mark_done(production)
        completion = production.backflush_posting_ids

        unbuilds = [self._unbuild(production, 1) for _third in range(3)]

        reversals = [
            production.backflush_posting_ids.filtered(lambda p, u=unbuild: p.unbuild_id == u)
            for unbuild in unbuilds
        ]
        self.assertEntryBalances(
            reversals[0].move_id,
            {
                self.fg: -31.0,
                self.rip: 21.33,
                self.applied: 12.0,
                self.usage_variance: -2.33,
            },
        )
        # The last third takes what the first two left: 64.00 - 2 x 21.33, 7.00 - 2 x 2.33.
        self.assertEntryBalances(
            reversals[2].move_id,
            {
                self.fg: -31.0,
                self.rip: 21.34,
                self.applied: 12.0,
                self.usage_variance: -2.34,
            },
        )
        self.assertEqual(completion.state, "reversed")
        entries = self._backflush_entries(production)
        for account in self._backflush_accounts():
            lines = entries.line_ids.filtered(lambda line, a=account: line.account_id == a)
            self.assertAmount(sum(lines.mapped("balance")), 0.0, account.name)

    def test_unbuild_under_shipment_mirrors_the_usage_variance_only(self):
        self.finished_categ.property_backflush_trigger = "shipment"
        self._buy_textbook_materials(a=210, b=100)
        before = self._balances()
        production = self._complete_with_over_consumption()
        self.assertEntryBalances(
            self._backflush_entries(production), {self.rip: -70.0, self.usage_variance: 70.0}
        )

        self._unbuild(production, 100)

        after = self._balances()
        for account in self._backflush_accounts():
            self.assertAmount(after[account], before[account], account.name)

    def test_cancelled_order_posts_nothing(self):
        production = self._make_mo(10)
        production.action_cancel()
        self.assertEqual(production.state, "cancel")
        self.assertFalse(production.backflush_posting_ids)
        self.assertFalse(self._backflush_entries(production))
