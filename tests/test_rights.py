from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestShopFloorRights(BackflushCommon):
    def test_manufacturing_user_completes_and_cannot_touch_entries(self):
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        operator = self._make_user("bf_operator", "mrp.group_mrp_user,stock.group_stock_user")
        self.assertFalse(operator.has_group("account.group_account_readonly"))
        production = self._make_mo(10).with_user(operator)

        production.button_mark_done()

        self.assertEqual(production.state, "done")
        posting = production.backflush_posting_ids
        self.assertEqual(len(posting), 1, "the operator sees the register line")
        entry = posting.sudo().move_id
        self.assertEqual(entry.state, "posted")
        self.assertEntryBalances(entry, {self.fg: 310.0, self.rip: -190.0, self.applied: -120.0})
        with self.assertRaises(AccessError):
            entry.with_user(operator).read(["name"])
        with self.assertRaises(AccessError):
            posting.write({"note": "edited"})
        with self.assertRaises(AccessError):
            self.env["mrp.backflush.posting"].with_user(operator).create(
                {
                    "name": "forged",
                    "kind": "completion",
                    "company_id": self.company.id,
                    "date": posting.date,
                }
            )
