import re

from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestLinkAccess(BackflushCommon):
    """Every link the module shows opens for the users who see it: a link a user cannot
    follow is an access error on screen."""

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
        self.assertFalse(auditor.has_group("mrp.group_mrp_user"))
        posting = production.backflush_posting_ids.with_user(auditor)
        self.assertEqual(Form(posting).production_id, production)
        form = self._open_order_form(auditor, posting.production_id)
        self.assertEqual(form.state, "done")

    def test_operator_opens_the_register_line_of_an_order(self):
        production = self._done_order()
        operator = self._make_user("bf_link_operator", "mrp.group_mrp_user")
        action = production.with_user(operator).action_view_backflush_postings()
        self.assertEqual(action["res_model"], "mrp.backflush.posting")
        Form(production.backflush_posting_ids.with_user(operator))

    def _chatter_links(self, record):
        """(model, id) of every record link in ``record``'s chatter."""
        bodies = "".join(record.message_ids.mapped("body"))
        return [
            (model, int(record_id))
            for model, record_id in re.findall(
                r'data-oe-model="([\w.]+)" data-oe-id="(\d+)"', bodies
            )
        ]

    def test_operator_opens_every_link_in_the_order_chatter(self):
        production = self._done_order()
        operator = self._make_user("bf_chatter_operator", "mrp.group_mrp_user")
        links = self._chatter_links(production)
        self.assertIn(("mrp.backflush.posting", production.backflush_posting_ids.id), links)
        for model, record_id in links:
            record = self.env[model].browse(record_id).with_user(operator)
            record.check_access("read")
            Form(record)  # the form the link opens, as the operator loads it

    def test_a_transfer_chatter_names_the_entry_without_a_link_its_stock_user_cannot_open(self):
        self._force_trigger(self.finished_categ, "shipment")
        self._receive(self.finished, 5)
        stock_user = self._make_user("bf_chatter_stock_user", "stock.group_stock_user")
        picking = self._deliver(self.finished, 5)
        entry = self._picking_entries(picking)
        self.assertEqual(len(entry), 1)
        log = picking.message_ids.filtered(lambda message: entry.name in message.body)
        self.assertEqual(len(log), 1, "the chatter names the entry")
        for model, record_id in self._chatter_links(picking):
            self.env[model].browse(record_id).with_user(stock_user).check_access("read")
