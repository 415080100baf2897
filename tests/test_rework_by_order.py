from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestReworkByOrder(BackflushCommon):
    """A plant that reworks with manufacturing orders, not repairs: a finished unit fails
    inspection, is taken apart (an unbuild of its order), its failed B is scrapped
    against that order and a new order makes the unit again. The mirror and the new
    completion cost it; the rework's cost shows as the scrapped part in Scrap Variance
    and, at the period close, as conversion applied once more than the units made
    (README, "Rework", the worked example, quotes these figures)."""

    def test_unbuild_scrap_and_make_again(self):
        self._receive(self.component_a, 10)
        self._receive(self.component_b, 10)
        accounts = (self.fg, self.rip, self.applied, self.scrap_variance)
        first = self._mark_done(self._produce(self._make_mo(1), 1))
        after_first = {account: self._balance(account) for account in accounts}

        form = Form(self.env["mrp.unbuild"])
        form.mo_id = first
        form.product_qty = 1
        form.save().action_unbuild()
        scrap = self.env["stock.scrap"].create(
            {
                "production_id": first.id,
                "product_id": self.component_b.id,
                "scrap_qty": 1,
                "product_uom_id": self.component_b.uom_id.id,
            }
        )
        scrap.do_scrap()
        second = self._mark_done(self._produce(self._make_mo(1), 1))

        kinds = (first | second).backflush_posting_ids.sorted("id").mapped("kind")
        self.assertEqual(kinds, ["completion", "reversal", "scrap", "completion"])
        moved = {account: self._balance(account) - after_first[account] for account in accounts}
        # Since the first completion: the unit is at its standard once (finished goods
        # unchanged); RIP lost the scrapped B only (the unbuild gave back 19.00, the new
        # unit took 19.00); the unbuild's mirror debited the 12.00 of conversion applied
        # and the new completion credited it again: one unit's conversion applied in
        # all, for two runs of work that the period close finds under-applied.
        self.assertAmount(moved[self.fg], 0.0, "finished goods")
        self.assertAmount(moved[self.rip], -5.0, "RIP")
        self.assertAmount(moved[self.scrap_variance], 5.0, "scrap variance")
        self.assertAmount(moved[self.applied], 0.0, "conversion applied")
        self.assertAmount(self._balance(self.applied), -12.0, "applied in all")
