from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestLinkAccess(BackflushCommon):
    """Every link the module shows opens for the users who see it (issue 11, 3)."""

    def _done_order(self):
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        production = self._make_mo(10)
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        return production

    def _open_order_form(self, user, production):
        """Open the order's form as the web client does: the view and every field of it."""
        production = production.with_user(user)
        views = production.get_views([(False, "form")])
        self.assertIn("mrp.production", views["models"])
        form = Form(production)  # web_read of every field of the form, sub-lists included
        self.assertEqual(form.name, production.name)
        return form

    def test_accountant_opens_the_order_of_a_register_line_and_of_its_entry(self):
        production = self._done_order()
        accountant = self._make_user("bf_link_accountant", "account.group_account_user")
        self.assertFalse(accountant.has_group("mrp.group_mrp_user"))
        posting = production.backflush_posting_ids.with_user(accountant)
        self.assertEqual(posting.production_id, production)
        Form(posting)  # the register record's form, with its link to the order
        self.assertEqual(posting.move_id.backflush_production_id, production)
        form = self._open_order_form(accountant, posting.production_id)
        self.assertEqual(form.state, "done")

    def test_accounting_readonly_user_opens_the_order_of_a_register_line(self):
        production = self._done_order()
        auditor = self._make_user("bf_link_auditor", "account.group_account_readonly")
        posting = production.backflush_posting_ids.with_user(auditor)
        Form(posting)
        self._open_order_form(auditor, posting.production_id)

    def test_operator_opens_the_register_line_of_an_order(self):
        production = self._done_order()
        operator = self._make_user("bf_link_operator", "mrp.group_mrp_user")
        action = production.with_user(operator).action_view_backflush_postings()
        self.assertEqual(action["res_model"], "mrp.backflush.posting")
        Form(production.backflush_posting_ids.with_user(operator))
