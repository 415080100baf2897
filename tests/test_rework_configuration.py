from odoo.tests import tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestReworkConfiguration(BackflushCommon):
    """The Rework Variance account (issue 18): on every backflush category, per company,
    optional in configuration (a category without it completes and ships as before)."""

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
        field = self.env["product.category"]._fields[
            "property_backflush_rework_variance_account_id"
        ]
        self.assertTrue(field.company_dependent)
        kinds = dict(self.env["mrp.backflush.posting"]._fields["kind"].selection)
        self.assertEqual(kinds["rework"], "Rework")
