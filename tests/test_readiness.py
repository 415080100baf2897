from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import BackflushCommon

SHIPPED_INPUT = "costed by backflush when shipped"


@tagged("post_install", "-at_install")
class TestShipmentCostedInputs(BackflushCommon):
    """A Shipment-costed product used as a component or by-product is refused where the
    contradiction is made, never at mark done (mrp.backflush.readiness)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.assemblies_categ = cls._make_category(
            "Assemblies",
            cls.fg,
            property_backflush_trigger="completion",
            **cls._backflush_account_values(),
        )
        cls.assembly = cls._make_product("Assembly", cls.assemblies_categ, 40.0)

    def test_a_bill_consuming_a_shipment_costed_product_is_refused_when_saved(self):
        self._force_trigger(self.finished_categ, "shipment")
        with self.assertRaisesRegex(ValidationError, SHIPPED_INPUT):
            self._make_bom(self.assembly, [(self.finished, 1)])
        bom = self._make_bom(self.assembly, [(self.component_a, 1)])
        with self.assertRaisesRegex(ValidationError, SHIPPED_INPUT):
            bom.bom_line_ids.product_id = self.finished
        with self.assertRaisesRegex(ValidationError, SHIPPED_INPUT):
            self.env["mrp.bom.byproduct"].create(
                {"bom_id": bom.id, "product_id": self.finished.id, "product_qty": 1}
            )

    def test_a_kit_of_shipment_costed_products_is_allowed(self):
        # A kit ships its components as themselves: each is costed when delivered.
        self._force_trigger(self.finished_categ, "shipment")
        kit = self._make_bom(self.assembly, [(self.finished, 2)], bom_type="phantom")
        self.assertEqual(kit.bom_line_ids.product_id, self.finished)

    def test_a_category_going_to_shipment_names_the_bills_that_consume_its_products(self):
        bom = self._make_bom(self.assembly, [(self.finished, 1)])
        with self.assertRaisesRegex(
            UserError, f"{bom.display_name} uses Finished P, {SHIPPED_INPUT}"
        ):
            self.finished_categ.property_backflush_trigger = "shipment"
        self.assertEqual(self.finished_categ.property_backflush_trigger, "completion")

    def test_a_made_product_moved_into_a_shipment_category_while_consumed_is_refused(self):
        shipment_categ = self.finished_categ.copy({"name": "Shipped goods"})
        self._force_trigger(shipment_categ, "shipment")
        self._make_bom(self.assembly, [(self.finished, 1)])
        with self.assertRaisesRegex(ValidationError, SHIPPED_INPUT):
            self.finished.categ_id = shipment_categ

    def test_a_bill_that_makes_a_consumed_product_shipment_costed_is_refused(self):
        bought = self._make_product("Bought sub-assembly", self.finished_categ, 9.0)
        self._force_trigger(self.finished_categ, "shipment")
        # Bought, it keeps Odoo's valuation and may be consumed...
        self._make_bom(self.assembly, [(bought, 1)])
        # ... but a bill of its own would make it Shipment-costed inside that bill.
        with self.assertRaisesRegex(ValidationError, SHIPPED_INPUT):
            self._make_bom(bought, [(self.component_a, 1)])

    def test_a_slipped_in_bill_is_named_on_the_order_and_its_completion_is_queued(self):
        bom = self._make_bom(self.assembly, [(self.component_a, 1)])
        # A bill older than the rule: the line is changed past the ORM's constraints.
        self.env.cr.execute(
            "UPDATE mrp_bom_line SET product_id = %s WHERE id = %s",
            [self.finished.id, bom.bom_line_ids.id],
        )
        self.env.invalidate_all()
        self._force_trigger(self.finished_categ, "shipment")
        self.company.backflush_blocked_posting = "queue"
        self._receive(self.finished, 2)
        production = self._make_mo(2, bom=bom)
        self.assertIn(SHIPPED_INPUT, production.backflush_configuration_warning)
        self.assertIn(production.name, production.backflush_configuration_warning)
        self._mark_done(self._produce(production, 2))
        self.assertEqual(production.state, "done", "the operator is not stopped")
        posting = production.backflush_posting_ids
        self.assertEqual(posting.state, "failed")
        self.assertIn(SHIPPED_INPUT, posting.failure_reason)
        self.assertFalse(posting.move_id)


@tagged("post_install", "-at_install")
class TestOneReadinessRule(BackflushCommon):
    """The form, the banner and the posting ask for the same accounts."""

    def test_a_completion_needs_the_scrap_variance_account_the_form_requires(self):
        Readiness = self.env["mrp.backflush.readiness"]
        self.assertIn(
            "property_backflush_scrap_variance_account_id",
            Readiness._required_account_fields("completion"),
        )
        self.finished_categ.property_backflush_scrap_variance_account_id = False
        self.company.backflush_blocked_posting = "queue"
        self._receive(self.component_a, 4)
        self._receive(self.component_b, 2)
        production = self._make_mo(2)
        self.assertIn("Scrap Variance", production.backflush_configuration_warning)
        self._mark_done(self._produce(production, 2))
        posting = production.backflush_posting_ids
        self.assertEqual(production.state, "done")
        self.assertEqual(posting.state, "failed")
        self.assertIn("has no Scrap Variance account", posting.failure_reason)
