from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import date_utils

from .common import ConversionCloseCommon


@tagged("post_install", "-at_install")
class TestConversionClose(ConversionCloseCommon):
    """Close Conversion Costs at 1/1000 of Horngren's example: conversion costs incurred
    1,260, 100 units completed at a conversion standard of 12, 99 shipped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.month_start = date_utils.start_of(cls.today, "month")
        cls.month_end = cls.today  # a close may not end in the future

    # ---- helpers -----------------------------------------------------------

    def _wizard(self, date_from=None, date_to=None, disposition=None, target=None):
        form = Form(self.env["mrp.backflush.conversion.close.wizard"])
        form.date_from = date_from or self.month_start
        form.date_to = date_to or self.month_end
        form.control_account_ids.add(self.control)
        if disposition:
            form.disposition = disposition
        if target:
            form.target_account_id = target
        return form.save()

    def _close(self, **kwargs):
        wizard = self._wizard(**kwargs)
        action = wizard.action_post()
        return self.env["account.move"].browse(action["res_id"])

    def _range_balance(self, account, date_from=None, date_to=None):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("date", ">=", date_from or self.month_start),
                ("date", "<=", date_to or self.month_end),
            ]
        )
        return self.company.currency_id.round(sum(lines.mapped("balance")))

    def _close_postings(self):
        return self.env["mrp.backflush.posting"].search([("kind", "=", "period_close")])

    # ---- defaults ------------------------------------------------------------

    def test_defaults(self):
        wizard = self._wizard()
        self.assertEqual(wizard.company_id, self.company)
        self.assertEqual(wizard.applied_account_ids, self.applied)
        self.assertEqual(wizard.disposition, "cogs")
        cogs = wizard.target_account_id
        self.assertTrue(cogs)
        self.assertEqual(cogs.account_type, "expense_direct_cost", "the chart's COGS")
        self.assertNotIn(cogs, self.control | self.applied)
        self.assertEqual(wizard.currency_id, self.company.currency_id)

    # ---- Horngren's textbook -------------------------------------------------

    def test_textbook_completion_close_to_cogs(self):
        """Variant A: Dr Applied 1,200, Dr COGS 60 / Cr Control 1,260."""
        self._incur_conversion(1260.0)
        self._complete_textbook_units()
        self.assertAmount(self._range_balance(self.applied), -1200.0, "applied before")

        wizard = self._wizard()
        cogs = wizard.target_account_id
        self.assertAmount(wizard.control_total, 1260.0, "control total")
        self.assertAmount(wizard.applied_total, 1200.0, "applied total")
        self.assertAmount(wizard.difference, 60.0, "difference")
        action = wizard.action_post()

        entry = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.journal_id, self.journal)
        self.assertEqual(entry.date, self.month_end)
        self.assertEntryBalances(entry, {self.applied: 1200.0, cogs: 60.0, self.control: -1260.0})
        self.assertAmount(self._range_balance(self.control), 0.0, "control after")
        self.assertAmount(self._range_balance(self.applied), 0.0, "applied after")
        self.assertAmount(self._balance(cogs), 60.0, "COGS after")

        posting = self._close_postings()
        self.assertEqual(len(posting), 1)
        self.assertRecordValues(
            posting,
            [
                {
                    "kind": "period_close",
                    "state": "posted",
                    "company_id": self.company.id,
                    "move_id": entry.id,
                    "date": self.month_end,
                    "period_start": self.month_start,
                    "period_end": self.month_end,
                    "event_key": (
                        f"period_close:{self.company.id}:{self.month_start}:{self.month_end}"
                    ),
                    # The close has its own columns; the completion's keep what it applied.
                    "conversion_standard": 0.0,
                    "production_variance": 0.0,
                    "conversion_closed": 1200.0,
                    "conversion_incurred": 1260.0,
                    "conversion_written_off": 60.0,
                    "date_shifted": False,
                }
            ],
        )
        self.assertIn(cogs.code, posting.note)
        self.assertEqual(entry.backflush_posting_ids, posting)

        # Nothing is left to close in the range.
        after = self._wizard(date_from=self.month_start, date_to=self.month_end)
        self.assertAmount(after.control_total, 0.0, "control total after")
        self.assertAmount(after.applied_total, 0.0, "applied total after")

    def test_textbook_shipment_close_to_cogs(self):
        """Variant B: Dr Applied 1,188, Dr COGS 72 / Cr Control 1,260."""
        self.finished_categ.property_backflush_trigger = "shipment"
        self._incur_conversion(1260.0)
        self._complete_textbook_units()
        self._deliver(self.finished, 99)
        self.assertAmount(self._range_balance(self.applied), -1188.0, "applied before")

        wizard = self._wizard()
        cogs = wizard.target_account_id
        self.assertAmount(wizard.applied_total, 1188.0, "applied total")
        self.assertAmount(wizard.difference, 72.0, "difference")
        entry = self.env["account.move"].browse(wizard.action_post()["res_id"])

        self.assertEntryBalances(entry, {self.applied: 1188.0, cogs: 72.0, self.control: -1260.0})
        self.assertAmount(self._range_balance(self.control), 0.0, "control after")
        self.assertAmount(self._range_balance(self.applied), 0.0, "applied after")
        posting = self._close_postings()
        self.assertEqual(posting.kind, "period_close")
        self.assertAmount(posting.conversion_written_off, 72.0, "register write-off")
        self.assertAmount(posting.conversion_closed, 1188.0, "register applied closed")
        self.assertAmount(posting.conversion_incurred, 1260.0, "register incurred")
        self.assertAmount(posting.conversion_standard, 0.0, "not applied by the close")

    def test_over_applied_credits_variance_account(self):
        self._incur_conversion(1100.0)
        self._complete_textbook_units()

        wizard = self._wizard(disposition="variance", target=self.production_variance)
        self.assertAmount(wizard.difference, -100.0, "over-applied")
        entry = self.env["account.move"].browse(wizard.action_post()["res_id"])

        self.assertEntryBalances(
            entry,
            {self.applied: 1200.0, self.control: -1100.0, self.production_variance: -100.0},
        )
        self.assertAmount(self._range_balance(self.control), 0.0, "control after")
        self.assertAmount(self._range_balance(self.applied), 0.0, "applied after")
        posting = self._close_postings()
        self.assertAmount(posting.conversion_written_off, -100.0, "register write-off")
        self.assertAmount(posting.production_variance, 0.0, "not a production variance")
        self.assertIn(self.production_variance.code, posting.note)

    def test_applied_accounts_default_per_company(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        other_applied = self.env["account.account"].create(
            {
                "code": "BF.APP2",
                "name": "Conversion costs applied (2)",
                "account_type": "expense",
                "company_ids": [Command.set(other.ids)],
            }
        )
        self.finished_categ.with_company(
            other
        ).property_backflush_conversion_account_id = other_applied
        Wizard = self.env["mrp.backflush.conversion.close.wizard"]
        self.assertEqual(Wizard.create({}).applied_account_ids, self.applied)
        wizard = Wizard.with_company(other).create({})
        self.assertEqual(wizard.company_id, other)
        self.assertEqual(wizard.applied_account_ids, other_applied)
        self.assertEqual(wizard.target_account_id.company_ids, other)

    def test_only_accounting_administrators(self):
        accountant = new_test_user(
            self.env,
            login="bf_close_accountant",
            groups="account.group_account_user,mrp.group_mrp_manager",
        )
        with self.assertRaises(AccessError):
            self.env["mrp.backflush.conversion.close.wizard"].with_user(accountant).create({})

    def test_variance_disposition_defaults_to_production_variance(self):
        wizard = self._wizard(disposition="variance")
        self.assertEqual(wizard.target_account_id, self.production_variance)

    def test_preview_lists_why_it_cannot_post_and_previews_nothing(self):
        self._incur_conversion(1260.0)
        self._complete_textbook_units()
        form = Form(self.env["mrp.backflush.conversion.close.wizard"])
        form.date_from = self.month_start
        form.date_to = self.month_end
        wizard = form.save()  # no control account chosen

        self.assertIn("Choose the Conversion Costs Control accounts", wizard.problems)
        self.assertFalse(wizard.preview_line_ids, "no write-off of everything applied")
        with self.assertRaisesRegex(UserError, "Choose the Conversion Costs Control"):
            wizard.action_post()

        wizard.control_account_ids = self.control
        self.assertFalse(wizard.problems)
        write_off = wizard.preview_line_ids.filtered(
            lambda line: line.account_id == wizard.target_account_id
        )
        self.assertEqual(write_off.label, "under-/over-applied conversion costs written off")

    def test_nothing_to_close_offers_no_post(self):
        wizard = self._wizard()
        self.assertFalse(wizard.problems)
        self.assertFalse(wizard.preview_line_ids)
        views = wizard.get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        [post] = arch.xpath("//footer/button[@name='action_post']")
        self.assertEqual(post.get("invisible"), "problems or not preview_line_ids")
        with self.assertRaisesRegex(UserError, "Nothing to close"):
            wizard.action_post()

    def test_preview_equals_posted_entry(self):
        self._incur_conversion(1260.0)
        self._complete_textbook_units()
        wizard = self._wizard()
        preview = sorted(
            (line.account_id.id, line.debit, line.credit) for line in wizard.preview_line_ids
        )
        self.assertEqual(len(preview), 3)
        self.assertEqual(
            wizard.preview_line_ids.account_id,
            self.applied | self.control | wizard.target_account_id,
        )

        entry = self.env["account.move"].browse(wizard.action_post()["res_id"])
        posted = sorted((line.account_id.id, line.debit, line.credit) for line in entry.line_ids)
        self.assertEqual(len(posted), len(preview))
        for (p_account, p_debit, p_credit), (e_account, e_debit, e_credit) in zip(
            preview, posted, strict=True
        ):
            self.assertEqual(p_account, e_account)
            self.assertAmount(p_debit, e_debit, "debit")
            self.assertAmount(p_credit, e_credit, "credit")

    def test_only_the_range_is_closed(self):
        """Balances outside the range are neither counted nor zeroed."""
        before = self.month_start - timedelta(days=1)
        self._incur_conversion(500.0, date=before)
        self._incur_conversion(1260.0)
        self._complete_textbook_units()
        wizard = self._wizard()
        self.assertAmount(wizard.control_total, 1260.0, "control total")
        wizard.action_post()
        self.assertAmount(self._balance(self.control), 500.0, "control outside the range")

    # ---- refusals --------------------------------------------------------------

    def test_second_close_of_same_range_posts_nothing(self):
        self._incur_conversion(1260.0)
        self._complete_textbook_units()
        first = self._close()
        posting = self._close_postings()
        self._incur_conversion(40.0)  # something to close again
        entries_before = self.env["account.move"].search_count([])

        with self.assertRaises(UserError) as caught:
            self._close()
        self.assertIn(posting.name, str(caught.exception))
        self.assertIn(first.name, str(caught.exception))
        self.assertEqual(self.env["account.move"].search_count([]), entries_before)
        self.assertEqual(self._close_postings(), posting)

    def test_overlapping_range_refused(self):
        self._incur_conversion(1260.0)
        self._complete_textbook_units()
        self._close(date_from=self.month_start, date_to=self.today)
        posting = self._close_postings()

        with self.assertRaises(UserError) as caught:
            self._close(date_from=self.today, date_to=self.month_end)
        self.assertIn(posting.name, str(caught.exception))
        with self.assertRaises(UserError):
            self._close(date_from=self.month_start - timedelta(days=40), date_to=self.month_end)
        self.assertEqual(self._close_postings(), posting)

    def test_reversed_range_refused(self):
        self._incur_conversion(1260.0)
        with self.assertRaises(UserError) as caught:
            self._close(date_from=self.month_end, date_to=self.month_start - timedelta(days=1))
        self.assertIn("after its end", str(caught.exception))
        self.assertFalse(self._close_postings())

    def test_no_control_account_refused(self):
        self._incur_conversion(1260.0)
        wizard = self._wizard()
        wizard.control_account_ids = False
        with self.assertRaises(UserError) as caught:
            wizard.action_post()
        self.assertIn("Control accounts", str(caught.exception))

    def test_nothing_to_close_refused(self):
        with self.assertRaises(UserError) as caught:
            self._close()
        self.assertIn("Nothing to close", str(caught.exception))
        self.assertFalse(self._close_postings())

    def test_target_among_closed_accounts_refused(self):
        self._incur_conversion(1260.0)
        for target in (self.control, self.applied):
            with self.subTest(target=target.code), self.assertRaises(UserError) as caught:
                self._close(disposition="variance", target=target)
            self.assertIn("control or applied", str(caught.exception))
        self.assertFalse(self._close_postings())

    def test_missing_backflush_journal_refused(self):
        self._incur_conversion(1260.0)
        wizard = self._wizard()
        self.company.backflush_journal_id = False
        with self.assertRaises(UserError) as caught:
            wizard.action_post()
        self.assertIn("backflush journal", str(caught.exception))

    def test_locked_period_refused(self):
        self._incur_conversion(1260.0, date=self.month_start - timedelta(days=1))
        previous_start = date_utils.start_of(self.month_start - timedelta(days=1), "month")
        self.company.fiscalyear_lock_date = self.month_start - timedelta(days=1)
        with self.assertRaises(UserError) as caught:
            self._close(date_from=previous_start, date_to=self.month_start - timedelta(days=1))
        self.assertIn("locked", str(caught.exception))
        self.assertFalse(self._close_postings())

    def test_a_range_ending_in_the_future_is_refused(self):
        self._incur_conversion(100.0)
        with self.assertRaisesRegex(UserError, "after today"):
            self._close(date_to=self.today + timedelta(days=1))
        self.assertFalse(self.env["mrp.backflush.posting"].search([("kind", "=", "period_close")]))

    # ---- nothing stranded ---------------------------------------------------------------

    def test_costs_booked_late_into_a_closed_range_are_closed_next_time(self):
        """Nothing is stranded: costs booked into a closed range after its close are
        closed by the next close, on lines of their own (left over from periods already
        closed), so the control account still ends at zero."""
        previous_end = self.month_start - timedelta(days=1)
        previous_start = date_utils.start_of(previous_end, "month")
        self._incur_conversion(1000.0, date=previous_start)
        self._close(date_from=previous_start, date_to=previous_end)
        self._incur_conversion(300.0, date=previous_end)  # booked late into the closed range
        self._incur_conversion(1260.0)
        self._complete_textbook_units()

        wizard = self._wizard()
        self.assertAmount(wizard.earlier_difference, 300.0, "left over")
        self.assertAmount(wizard.difference, 360.0, "60 under-applied now and 300 earlier")
        earlier = wizard.preview_line_ids.filtered(lambda line: "already closed" in line.label)
        self.assertEqual(earlier.account_id, self.control)
        self.assertAmount(earlier.credit, 300.0, "its own preview line")
        wizard.action_post()
        self.assertAmount(
            self._range_balance(self.control, date_from=previous_start), 0.0, "nothing stranded"
        )
        self.assertAmount(self._range_balance(self.applied), 0.0, "applied closed")
