import importlib.util
from pathlib import Path

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import ConversionCloseCommon

MIGRATION = Path(__file__).parent.parent / "migrations" / "18.0.1.3.0" / "post-migrate.py"
MIGRATION_1_4 = Path(__file__).parent.parent / "migrations" / "18.0.1.4.0" / "post-migrate.py"


@tagged("post_install", "-at_install")
class TestAccountantReview(ConversionCloseCommon):
    """What the accountant sees when reviewing and closing the month: register columns
    that sum to one thing each, scrap records, hidden undo buttons, the scrap wizard's
    choices and preview, and the Reconciliation Check's drill-downs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_accountant = cls.env["res.users"].create(
            {
                "name": "Review Accountant",
                "login": "bf_review_accountant",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("account.group_account_user").id,
                            cls.env.ref("mrp.group_mrp_user").id,
                        ]
                    )
                ],
            }
        )
        cls.accountant = new_accountant

    def setUp(self):
        super().setUp()
        self.production = self._complete_textbook_units(a=220, b=120)  # 20 A, 20 B left
        self.completion = self.production.backflush_posting_ids

    # ---- helpers -----------------------------------------------------------

    def _close_month(self):
        form = Form(self.env["mrp.backflush.conversion.close.wizard"])
        form.date_from = self.today.replace(day=1)
        form.date_to = self.today
        form.control_account_ids.add(self.control)
        form.save().action_post()
        return self.env["mrp.backflush.posting"].search([("kind", "=", "period_close")])

    def _scrap_wizard(self, lines, user=None):
        Wizard = self.env["mrp.backflush.variance.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        form = Form(Wizard.with_context(default_production_id=self.production.id))
        for product, quantity in lines:
            with form.line_ids.new() as line:
                line.product_id = product
                line.quantity = quantity
        return form.save()

    def assertTextbookCloseColumns(self, close):
        """The textbook's close (1,200 applied, 1,260 incurred) in the close's own columns,
        none of it in the completions' conversion and production variance."""
        self.assertRecordValues(
            close,
            [
                {
                    "conversion_standard": 0.0,
                    "production_variance": 0.0,
                    "conversion_closed": 1200.0,
                    "conversion_incurred": 1260.0,
                    "conversion_written_off": 60.0,
                }
            ],
        )

    # ---- register columns ----------------------------------------------------

    def test_close_has_its_own_columns_and_every_total_means_one_thing(self):
        self._incur_conversion(1260.0)
        self._scrap_wizard([(self.finished, 5)]).action_post()
        close = self._close_month()

        self.assertTextbookCloseColumns(close)
        Posting = self.env["mrp.backflush.posting"]
        [(applied, closed, incurred, written_off, scrap)] = Posting._read_group(
            [("company_id", "=", self.company.id)],
            aggregates=[
                "conversion_standard:sum",
                "conversion_closed:sum",
                "conversion_incurred:sum",
                "conversion_written_off:sum",
                "scrap_variance:sum",
            ],
        )
        # The list's totals row: applied by completions, closed once, not twice.
        self.assertAmount(applied, 1200.0, "conversion applied")
        self.assertAmount(closed, applied, "the close takes out what was applied")
        self.assertAmount(incurred - closed, written_off, "incurred - closed = written off")
        self.assertAmount(scrap, 155.0, "5 finished units at 31")

    def test_migration_moves_close_figures_to_their_columns(self):
        self._incur_conversion(1260.0)
        close = self._close_month()
        # The layout before 18.0.1.3.0.
        self.env.cr.execute(
            "UPDATE mrp_backflush_posting SET conversion_standard = 1200, "
            "production_variance = 60, conversion_closed = NULL, conversion_incurred = NULL, "
            "conversion_written_off = NULL WHERE id = %s",
            [close.id],
        )
        spec = importlib.util.spec_from_file_location("bf_migration_1_3", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        close.invalidate_recordset()
        self.completion.invalidate_recordset()

        self.assertTextbookCloseColumns(close)
        self.assertAmount(self.completion.conversion_standard, 1200.0, "completion untouched")

    def test_scrap_record_lists_scrapped_products_and_links_its_scraps(self):
        self._scrap_wizard([(self.finished, 5), (self.component_a, 4)]).action_post()
        posting = self.production.backflush_posting_ids.filtered(lambda p: p.kind == "scrap")

        self.assertAmount(posting.scrap_variance, 183.0, "5 x 31 + 4 x 7")
        self.assertEqual(
            posting.with_user(self.accountant).scrap_summary,
            "Finished P: 5.00 Units, Component A: 4.00 Units",
        )
        action = posting.action_view_scraps()
        self.assertEqual(action["res_model"], "stock.scrap")
        scraps = self.env["stock.scrap"].search(action["domain"])
        self.assertEqual(scraps, posting.scrap_ids)
        self.assertEqual(
            sorted(zip(scraps.mapped("product_id.name"), scraps.mapped("scrap_qty"), strict=True)),
            [("Component A", 4.0), ("Finished P", 5.0)],
        )
        form = self.env["mrp.backflush.posting"].get_views([(False, "form")])
        arch = etree.fromstring(form["views"]["form"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='scrap_ids']//field[@name='scrap_qty']"))
        self.assertTrue(arch.xpath("//field[@name='scrap_variance']"))
        views = self.env["mrp.backflush.posting"].get_views([(False, "list")])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='scrap_variance']"))

    def _register_rows(self, postings):
        """``postings`` as the accountant's register list reads them (web_search_read
        with the list view's fields)."""
        Posting = self.env["mrp.backflush.posting"].with_user(self.accountant)
        views = Posting.get_views([(False, "list")])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        names = {node.get("name") for node in arch.xpath("//list/field")}
        spec = {name: {} for name in names if Posting._fields[name].type not in ("many2one",)}
        spec.update({name: {"fields": {"display_name": {}}} for name in names - set(spec)})
        rows = Posting.web_search_read([("id", "in", postings.ids)], spec)["records"]
        return {row["id"]: row for row in rows}

    def test_a_component_scrap_is_listed_under_the_scrapped_product(self):
        self._scrap_wizard([(self.component_a, 2)]).action_post()
        self._scrap_wizard([(self.finished, 3)]).action_post()
        self._scrap_wizard([(self.finished, 1), (self.component_a, 4)]).action_post()
        scraps = self.production.backflush_posting_ids.filtered(lambda p: p.kind == "scrap")
        components, finished, both = scraps.sorted("id")
        rows = self._register_rows(scraps)

        self.assertEqual(rows[components.id]["moved_label"], "Component A")
        self.assertEqual(rows[components.id]["moved_quantity"], 2.0)
        self.assertEqual(rows[components.id]["moved_uom_id"]["display_name"], "Units")
        self.assertFalse(rows[components.id]["quantity"], "no finished unit scrapped")
        self.assertEqual(rows[finished.id]["moved_label"], "Finished P")
        self.assertEqual(rows[finished.id]["moved_quantity"], 3.0)
        self.assertEqual(rows[both.id]["moved_label"], "2 products")
        self.assertFalse(rows[both.id]["moved_uom_id"], "no one quantity for two products")
        self.assertEqual(rows[both.id]["quantity"], 1.0, "the finished units scrapped")
        self.assertEqual(both.moved_product_id, self.env["product.product"])
        self.assertEqual(components.moved_product_id, self.component_a)
        # A completion reads as before: the finished product and its units.
        completion = self._register_rows(self.completion)[self.completion.id]
        self.assertEqual(completion["moved_label"], "Finished P")
        self.assertEqual(completion["moved_quantity"], 100.0)
        self.assertEqual(completion["origin_name"], self.production.name)
        self.assertEqual(completion["move_name"], self.completion.move_id.name)
        self.assertAmount(completion["entry_amount"], self.completion.move_id.amount_total, "")

    def test_register_list_shows_what_an_accountant_reads_first(self):
        views = self.env["mrp.backflush.posting"].get_views([(False, "list")])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        shown = [
            node.get("name")
            for node in arch.xpath("//list/field")
            if not node.get("optional") and node.get("column_invisible") not in ("True", "1")
        ]
        self.assertEqual(
            shown,
            [
                "date",
                "kind",
                "origin_name",
                "moved_label",
                "moved_quantity",
                "entry_amount",
                "move_name",
                "state",
            ],
        )

    def test_pivot_reads_amounts_by_kind_and_month_with_zero_close_columns(self):
        self._incur_conversion(1260.0)
        self._close_month()
        views = self.env["mrp.backflush.posting"].get_views([(False, "pivot")])
        arch = etree.fromstring(views["views"]["pivot"]["arch"])
        self.assertEqual(
            [(node.get("name"), node.get("type")) for node in arch.xpath("//field")],
            [("date", "row"), ("kind", "col"), ("entry_amount", "measure")],
        )
        self.assertEqual(arch.xpath("//field[@name='date']")[0].get("interval"), "month")
        groups = self.env["mrp.backflush.posting"].read_group(
            [("company_id", "=", self.company.id)],
            ["conversion_closed:sum", "conversion_written_off:sum"],
            ["kind"],
        )
        by_kind = {group["kind"]: group for group in groups}
        self.assertEqual(by_kind["completion"]["conversion_closed"], 0.0, "0.00, not blank")
        self.assertEqual(by_kind["completion"]["conversion_written_off"], 0.0)

    def test_migration_zeroes_the_close_columns_outside_closes(self):
        self.env.cr.execute(
            "UPDATE mrp_backflush_posting SET conversion_closed = NULL, "
            "conversion_incurred = NULL, conversion_written_off = NULL WHERE id = %s",
            [self.completion.id],
        )
        spec = importlib.util.spec_from_file_location("bf_migration_1_4", MIGRATION_1_4)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.cr.execute(
            "SELECT conversion_closed, conversion_incurred, conversion_written_off "
            "FROM mrp_backflush_posting WHERE id = %s",
            [self.completion.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (0, 0, 0))

    def test_register_empty_state_says_it_is_filtered_and_names_every_kind(self):
        action = self.env.ref("mrp_backflush.mrp_backflush_posting_action")
        self.assertIn("No postings match these filters", action.help)
        for kind in (
            "completions",
            "shipments",
            "scrap",
            "reversals",
            "stock adjustments",
            "period closes",
        ):
            self.assertIn(kind, action.help)

    # ---- journal entries -----------------------------------------------------

    def test_undo_buttons_hidden_on_backflush_entries(self):
        entry = self.completion.move_id.with_user(self.accountant)
        self.assertTrue(entry.is_backflush_entry)
        self.assertFalse(entry.show_reset_to_draft_button)
        other = self.env["account.move"].create(
            {
                "move_type": "entry",
                "line_ids": [
                    Command.create({"account_id": self.control.id, "debit": 1.0}),
                    Command.create({"account_id": self.accrued.id, "credit": 1.0}),
                ],
            }
        )
        other.action_post()
        self.assertFalse(other.is_backflush_entry)
        self.assertTrue(other.show_reset_to_draft_button)

        views = self.env["account.move"].get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        [reverse] = arch.xpath("//header/button[@string='Reverse Entry']")
        self.assertIn("is_backflush_entry", reverse.get("invisible"))

    def test_refusal_message_reads_as_a_sentence(self):
        entry = self.completion.move_id
        with self.assertRaisesRegex(
            UserError,
            rf"^Journal entry {entry.name} was posted by backflush costing and is kept in the "
            "Backflush Register, so it cannot be reset to draft",
        ):
            entry.button_draft()

    # ---- scrap wizard ----------------------------------------------------------

    def test_wizard_offers_backflushed_orders_in_progress_or_done(self):
        plain_categ = self._make_category("Plain", self.fg)
        plain = self._make_product("Plain P", plain_categ, 10.0)
        plain_bom = self._make_bom(plain, [(self.component_b, 1)])
        plain_done = self._make_mo(2, bom=plain_bom)
        self._mark_done(plain_done)
        confirmed = self._make_mo(1)

        field = self.env["mrp.backflush.variance.wizard"]._fields["production_id"]
        offered = self.env["mrp.production"].search(safe_eval(field.domain))
        self.assertIn(self.production, offered)
        self.assertNotIn(plain_done, offered, "not backflushed")
        self.assertNotIn(confirmed, offered, "not started")
        Production = self.env["mrp.production"]
        self.assertIn(plain_done, Production.search([("backflush_is_backflushed", "=", False)]))
        self.assertNotIn(
            self.production, Production.search([("backflush_is_backflushed", "!=", True)])
        )
        self.assertTrue(self.production.backflush_is_backflushed)
        self.assertFalse(plain_done.backflush_is_backflushed)

    def test_preview_flags_more_than_on_hand_in_the_users_format(self):
        self.env["res.lang"]._activate_lang("en_US").write(
            {"decimal_point": ",", "thousands_sep": "."}
        )
        wizard = self._scrap_wizard([(self.component_a, 1200), (self.component_b, 5)])
        line_a, line_b = wizard.line_ids
        self.assertAmount(line_a.on_hand_qty, 20.0, "A on hand")
        self.assertTrue(line_a.exceeds_on_hand)
        self.assertAmount(line_b.on_hand_qty, 20.0, "B on hand")
        self.assertFalse(line_b.exceeds_on_hand)
        self.assertIn("1.200,00 Units requested but only 20,00 on hand", wizard.problems)
        self.assertFalse(wizard.preview_line_ids, "no entry previewed that will not post")
        views = wizard.get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        [post] = arch.xpath("//footer/button[@name='action_post']")
        self.assertIn("problems", post.get("invisible"), "Post hidden while problems are listed")
        [disabled] = arch.xpath("//footer/button[not(@name) and @string='Post']")
        self.assertIn("not problems", disabled.get("invisible"))
        with self.assertRaisesRegex(UserError, "only 20,00 on hand"):
            wizard.action_post()

    # ---- reconciliation check --------------------------------------------------

    def test_check_opens_saved_with_journal_items_at_first_open(self):
        menu = self.env.ref("mrp_backflush.menu_backflush_reconciliation")
        server_action = self.env.ref("mrp_backflush.mrp_backflush_reconciliation_action_open")
        self.assertEqual(menu.action, server_action)
        action = server_action.with_user(self.accountant).run()
        self.assertEqual(action["res_model"], "mrp.backflush.reconciliation")
        check = self.env["mrp.backflush.reconciliation"].browse(action["res_id"]).exists()
        self.assertTrue(check, "a saved check")
        line = check.line_ids.filtered(lambda line: line.account_id == self.rip)
        self.assertIsInstance(line.id, int, "the line's button has a record to run on")
        items = line.with_user(self.accountant).action_open_journal_items()
        found = self.env["account.move.line"].search(items["domain"])
        self.assertAmount(sum(found.mapped("balance")), line.ledger_balance, "drill-down")

    def test_open_register_shows_its_date_as_a_facet(self):
        self.env["res.lang"]._activate_lang("en_US").write({"date_format": "%d/%m/%Y"})
        check = self.env["mrp.backflush.reconciliation"].create({"date": self.today})
        action = check.action_open_register()
        self.assertEqual(
            action["context"],
            {
                "search_default_accounted_up_to_check": 1,
                "backflush_accounted_up_to": str(self.today),
            },
        )
        self.assertIn(self.today.strftime("%d/%m/%Y"), action["display_name"], "user format")
        self.assertNotIn("accounting_date", str(action["domain"]), "no hidden date domain")
        views = self.env["mrp.backflush.posting"].get_views([(False, "search")])
        arch = etree.fromstring(views["views"]["search"]["arch"])
        [facet] = arch.xpath("//filter[@name='accounted_up_to_check']")
        domain = safe_eval(facet.get("domain"), {"context": action["context"]})
        postings = self.env["mrp.backflush.posting"].search(domain + action["domain"])
        self.assertEqual(postings, self.completion)
        earlier = safe_eval(
            facet.get("domain"), {"context": {"backflush_accounted_up_to": "2000-01-01"}}
        )
        self.assertFalse(self.env["mrp.backflush.posting"].search(earlier))
