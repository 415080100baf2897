import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.internal_context import REGISTER_UPDATE
from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestConfiguration(BackflushCommon):
    def test_missing_configuration_names_every_gap_and_posts_nothing(self):
        self._buy_textbook_materials()
        self.finished_categ.property_backflush_conversion_account_id = False
        self.component_b.standard_price = 0.0
        self.company.backflush_journal_id = False
        production = self._make_mo(10)

        with self.assertRaises(UserError) as caught:
            production.button_mark_done()
        message = str(caught.exception)
        self.assertIn("Conversion Costs Applied", message)
        self.assertIn(self.finished_categ.display_name, message)
        self.assertIn("Component B has no standard price", message)
        self.assertIn("has no backflush journal", message)
        # Nothing half-done: the order is still open, no layer and no entry exist.
        self.assertNotEqual(production.state, "done")
        moves = production.move_raw_ids | production.move_finished_ids
        self.assertFalse(moves.stock_valuation_layer_ids)
        self.assertFalse(self._backflush_entries(production))

    def test_second_posting_of_a_completion_is_refused(self):
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        production = self._make_mo(10)
        self._mark_done(production)
        posting = production.backflush_posting_ids
        done_moves = production.move_raw_ids | production.move_finished_ids

        # Re-running the completion path (a retry, a second worker) is refused ...
        with self.assertRaisesRegex(UserError, "already been posted"):
            production._backflush_post_completions(done_moves)
        # ... and the database itself refuses a second record for the same completion.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            REGISTER_UPDATE.on(posting.sudo()).copy({"event_key": posting.event_key})
        # Pressing the button again on the done order posts nothing more.
        production.button_mark_done()
        self.assertEqual(len(self._backflush_entries(production)), 1)

    def test_category_refuses_non_standard_costing(self):
        for field_name, value, message in [
            ("property_cost_method", "average", "Standard Price"),
            ("property_valuation", "manual_periodic", "automated inventory valuation"),
        ]:
            with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
                self.finished_categ.write({field_name: value})
            self.env.invalidate_all()

    def test_component_valuation_must_match_trigger(self):
        self.components_categ.property_valuation = "manual_periodic"
        production = self._make_mo(1)
        with self.assertRaisesRegex(UserError, "automated inventory valuation"):
            production.button_mark_done()

    def test_backflush_journal_for_new_chart(self):
        self.assertEqual(self.journal.code, "BFL")
        self.assertEqual(self.journal.type, "general")
        other = self.setup_other_company(name="Backflush Other Co")["company"]
        self.assertEqual(other.backflush_journal_id.code, "BFL")
        self.assertEqual(other.backflush_journal_id.company_id, other)

    def test_backflush_entries_cannot_be_reversed_by_hand(self):
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        production = self._make_mo(10)
        self._mark_done(production)
        entry = self._backflush_entries(production)
        with self.assertRaisesRegex(UserError, "reversed by hand"):
            entry._reverse_moves()
        with self.assertRaisesRegex(UserError, "reversed by hand"):
            entry.button_draft()

    def test_non_storable_finished_product_is_refused(self):
        self.finished.is_storable = False
        production = self._make_mo(1)
        with self.assertRaisesRegex(UserError, "not tracked in stock"):
            production.button_mark_done()

    def test_lot_correction_on_a_done_order_is_allowed(self):
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        production = self._complete_in_a_lot(2)
        production.action_toggle_is_locked()
        other_lot = self.env["stock.lot"].create(
            {"name": "LOT-B", "product_id": self.finished.id, "company_id": self.company.id}
        )
        production.move_finished_ids.move_line_ids.lot_id = other_lot
        self.assertEqual(production.move_finished_ids.move_line_ids.lot_id, other_lot)
        self.assertEqual(len(self._backflush_entries(production)), 1)
