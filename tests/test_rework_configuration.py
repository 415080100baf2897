from odoo.tests import tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestReworkConfiguration(BackflushCommon):
    """The Rework Variance account, which a repair's parts are costed to: on every
    backflush category, per company, optional in configuration (a category without it
    completes and ships as before)."""

    def test_rework_variance_is_an_optional_company_account_of_the_category(self):
        Readiness = self.env["mrp.backflush.readiness"]
        self.assertFalse(self.finished_categ.property_backflush_rework_variance_account_id)
        self.assertFalse(Readiness._category_problems(self.finished_categ, "completion"))
        self.assertNotIn(
            "property_backflush_rework_variance_account_id",
            Readiness._required_account_fields("completion"),
        )
        rework = self._make_account("BF.RWK", "Rework variance", "expense")
        self.finished_categ.property_backflush_rework_variance_account_id = rework
        self.assertEqual(self.finished_categ.property_backflush_rework_variance_account_id, rework)
        # Per company: another company's view of the same category has none.
        other = self.setup_other_company(name="Backflush Rework Elsewhere")["company"]
        self.env.user.company_ids |= other
        self.assertFalse(
            self.finished_categ.with_company(other).property_backflush_rework_variance_account_id
        )
        kinds = dict(self.env["mrp.backflush.posting"]._fields["kind"].selection)
        self.assertEqual(kinds["rework"], "Rework")
