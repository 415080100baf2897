from decimal import Decimal

from odoo.tests import Form, tagged

from odoo.addons.mrp_backflush.costing import (
    EVENT_COMPLETION,
    FINISHED,
    MATERIAL,
    NO_FIGURES,
    Entry,
    EntryLine,
    Event,
)

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestPreparedEntries(BackflushCommon):
    """A close drafts its entry before Odoo values its moves (so that the valuation layers
    Odoo locks are held for less time) and posts that draft once the moves confirm it; a
    draft the moves contradict is replaced, and none is ever left behind."""

    def _event(self, amount, key="completion:test"):
        amount = Decimal(amount)
        return Event(
            key=key,
            kind=EVENT_COMPLETION,
            company=self.company.id,
            name="TEST",
            ref="TEST - Backflush completion",
            entry=Entry(
                (EntryLine(self.fg.id, amount, FINISHED), EntryLine(self.rip.id, -amount, MATERIAL))
            ),
            summary=NO_FIGURES,
            quantity=Decimal(1),
        )

    def _drafts(self):
        return self.env["account.move"].search(
            [("journal_id", "=", self.journal.id), ("state", "=", "draft")]
        )

    def test_a_draft_its_event_confirms_is_the_entry_posted(self):
        Entries = self.env["mrp.backflush.entry"]
        prepared = Entries._prepare_entries([self._event("5.00")])
        draft = prepared["completion:test"][0]
        self.assertEqual(draft.state, "draft")
        entry = Entries._create_entries([self._event("5.00")], prepared)["completion:test"]
        self.assertEqual(entry, draft)
        self.assertEqual(entry.state, "posted")
        self.assertEntryBalances(entry, {self.fg: 5.0, self.rip: -5.0})

    def test_a_draft_its_event_contradicts_is_replaced(self):
        Entries = self.env["mrp.backflush.entry"]
        prepared = Entries._prepare_entries(
            [self._event("5.00"), self._event("3.00", key="completion:gone")]
        )
        drafts = prepared["completion:test"][0] | prepared["completion:gone"][0]
        entry = Entries._create_entries([self._event("5.01")], prepared)["completion:test"]
        self.assertFalse(drafts.exists(), "the contradicted and the unused draft are deleted")
        self.assertEqual(entry.state, "posted")
        self.assertEntryBalances(entry, {self.fg: 5.01, self.rip: -5.01})
        self.assertFalse(self._drafts())

    def test_a_close_posts_one_entry_and_leaves_no_draft(self):
        production = self._complete_textbook_units()
        entry = self._backflush_entries(production)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.state, "posted")
        self.assertEqual(
            entry.stock_valuation_layer_ids,
            production.move_raw_ids.stock_valuation_layer_ids
            | production.move_finished_ids.stock_valuation_layer_ids,
        )
        self.assertFalse(self._drafts())

    def test_a_close_whose_layers_round_apart_from_the_forecast_posts_the_layers(self):
        """Two lines of one component at 0.333: Odoo values each move on its own (0.33 +
        0.33), the forecast from quantities gives round(2 x 0.333) = 0.67: the entry
        follows the layers."""
        part = self._make_product("Part at a third", self.components_categ, 0.333)
        bom = self._make_bom(self.finished, [(part, 1.0), (part, 1.0)])
        self._receive(part, 10)
        production = self._make_mo(1, bom)
        production = self._mark_done(Form(production).save())
        entry = self._backflush_entries(production)
        layers = production.move_raw_ids.stock_valuation_layer_ids
        self.assertAmount(sum(layers.mapped("value")), -0.66)
        material = entry.line_ids.filtered(lambda line: line.account_id == self.rip)
        self.assertAmount(sum(material.mapped("balance")), -0.66)
        self.assertEqual(entry.state, "posted")
        self.assertFalse(self._drafts())
