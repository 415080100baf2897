import datetime

from psycopg2.errors import ForeignKeyViolation

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.internal_context import REGISTER_UPDATE
from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestIntegrity(BackflushCommon):
    """What nobody may do to backflushed books: undo more than was completed, empty a
    posted entry or rewrite the register, any of which would leave the ledger apart from
    the valuation layers."""

    def setUp(self):
        super().setUp()
        self._receive(self.component_a, 40)
        self._receive(self.component_b, 20)
        self.production = self._make_mo(10)
        self._mark_done(self.production)
        self.completion = self.production.backflush_posting_ids
        self.accounting_manager = self._make_user(
            "bf_integrity_manager", "account.group_account_manager,mrp.group_mrp_user"
        )

    def _unbuild_form(self, quantity):
        form = Form(self.env["mrp.unbuild"])
        form.mo_id = self.production
        form.product_qty = quantity
        return form.save()

    # ---- 1. unbuild past what the order has left ------------------------------

    def test_unbuild_beyond_the_open_completed_quantity_is_refused(self):
        self._receive(self.finished, 5)  # units on hand from elsewhere: Odoo would allow it
        self._unbuild_form(6).action_unbuild()
        second = self._unbuild_form(6)
        with self.assertRaisesRegex(UserError, r"only 4(\.0+)? Units left to unbuild"):
            second.action_unbuild()
        self.assertEqual(second.state, "draft")
        reversals = self.production.backflush_posting_ids.filtered(
            lambda posting: posting.kind == "reversal"
        )
        self.assertAmount(sum(reversals.mapped("quantity")), 6.0, "only the first is costed")

    def test_unbuild_after_odoo_insufficient_quantity_confirmation_is_refused(self):
        unbuild = self._unbuild_form(12)
        action = unbuild.action_validate()  # 10 on hand: Odoo asks to confirm
        self.assertEqual(action["res_model"], "stock.warn.insufficient.qty.unbuild")
        warning = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        with self.assertRaisesRegex(UserError, "left to unbuild"):
            warning.action_done()
        self.assertFalse(
            self.production.backflush_posting_ids.filtered(lambda p: p.kind == "reversal")
        )

    def test_scrapped_finished_units_cannot_be_unbuilt_again(self):
        self.env["stock.scrap"].create(
            {
                "production_id": self.production.id,
                "product_id": self.finished.id,
                "scrap_qty": 3,
                "product_uom_id": self.finished.uom_id.id,
                "location_id": self.production.location_dest_id.id,
            }
        ).do_scrap()
        with self.assertRaisesRegex(UserError, r"only 7(\.0+)? Units left"):
            self._unbuild_form(8).action_unbuild()
        self._unbuild_form(7).action_unbuild()
        self.assertAmount(self._balance(self.fg), 0.0, "finished goods back to zero")

    # ---- 2. backflush entries cannot be emptied by hand -------------------------

    def test_entry_cannot_leave_posted_or_be_deleted_whatever_the_path(self):
        entry = self.completion.move_id.with_user(self.accounting_manager)
        attempts = {
            "write draft": lambda: entry.write({"state": "draft"}),
            "write cancel": lambda: entry.write({"state": "cancel"}),
            "button_draft": entry.button_draft,
            "unlink": entry.unlink,
            "reverse": lambda: entry._reverse_moves(),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), self.assertRaisesRegex(UserError, "backflush"):
                attempt()
        self.assertEqual(self.completion.move_id.state, "posted")
        self.assertFalse(entry.show_reset_to_draft_button)

    def test_entry_lines_cannot_be_changed(self):
        entry = self.completion.move_id
        line = entry.line_ids.filtered(lambda item: item.backflush_kind == "finished")
        other = self.production_variance
        attempts = {
            "account": lambda: line.write({"account_id": other.id}),
            "amount": lambda: line.write({"debit": 1.0}),
            "kind": lambda: line.write({"backflush_kind": "material"}),
            "unlink": line.unlink,
            "new line": lambda: self.env["account.move.line"].create(
                {"move_id": entry.id, "account_id": other.id, "balance": 0.0}
            ),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), self.assertRaisesRegex(UserError, "backflush"):
                attempt()
        line.name = "A label may change"  # harmless fields stay editable

    def test_register_entry_link_restricts_deletion(self):
        """Past every refusal of the ORM too: the database itself keeps an entry that a
        register record links, for a DELETE that bypasses Odoo."""
        entry = self.completion.move_id
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(ForeignKeyViolation, "mrp_backflush_posting_move_id_fkey"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute("DELETE FROM account_move WHERE id = %s", [entry.id])
        self.assertTrue(entry.exists())
        self.assertEqual(self.completion.move_id, entry)

    # ---- 3. the register is append-only ----------------------------------------------

    def test_register_is_append_only_but_its_note(self):
        posting = self.completion.with_user(self.accounting_manager)
        for values in (
            {"event_key": "completion:0"},
            {"quantity": 1.0},
            {"move_id": False},
            {"state": "reversed"},
        ):
            with self.subTest(values), self.assertRaisesRegex(UserError, "only its note"):
                posting.write(values)
        with self.assertRaisesRegex(UserError, "not allowed to delete"):
            posting.unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            posting.sudo().unlink()  # not even past the access rights
        posting.note = "Checked with the plant manager."
        self.assertEqual(self.completion.note, "Checked with the plant manager.")

    # ---- 4. scrap wizard input a form hides --------------------------------------

    def _wizard(self, production, quantity=1.0, **values):
        return self.env["mrp.backflush.variance.wizard"].create(
            {
                "production_id": production.id,
                "line_ids": [(0, 0, {"product_id": self.component_a.id, "quantity": quantity})],
                **values,
            }
        )

    def _scraps(self):
        return self.env["mrp.backflush.posting"].search([("kind", "=", "scrap")])

    def test_scrap_wizard_refuses_orders_not_in_progress_or_done(self):
        confirmed = self._make_mo(1)
        cancelled = self._make_mo(1)
        cancelled.action_cancel()
        for production in (confirmed, cancelled):
            with (
                self.subTest(production.state),
                self.assertRaisesRegex(UserError, "in progress or done"),
            ):
                self._wizard(production).action_post()
        self.assertFalse(self._scraps())

    def test_scrap_wizard_refuses_dates_in_the_future_or_closed(self):
        today = fields.Date.context_today(self.env.user)
        with self.assertRaisesRegex(UserError, "in the future"):
            self._wizard(self.production, date=today + datetime.timedelta(days=1)).action_post()
        # A close recorded as its posting path records it.
        REGISTER_UPDATE.on(self.env["mrp.backflush.posting"].sudo()).create(
            {
                "name": "Conversion close (test)",
                "event_key": "period_close:test",
                "kind": "period_close",
                "company_id": self.company.id,
                "date": today - datetime.timedelta(days=30),
                "period_start": today - datetime.timedelta(days=60),
                "period_end": today - datetime.timedelta(days=30),
            }
        )
        with self.assertRaisesRegex(UserError, "conversion costs are closed"):
            self._wizard(self.production, date=today - datetime.timedelta(days=40)).action_post()
        self.assertFalse(self._scraps())

    def test_scrap_wizard_refuses_nan_and_infinity_with_a_sentence(self):
        for quantity in (float("nan"), float("inf")):
            with self.subTest(quantity), self.assertRaisesRegex(UserError, "is not a number"):
                self._wizard(self.production, quantity=quantity).action_post()
        self.assertFalse(self._scraps())


@tagged("post_install", "-at_install")
class TestCategorySettings(BackflushCommon):
    """Backflush settings of a category belong to accounting administrators and do not
    change under what is still being costed: a posting and its mirror must read the
    same accounts."""

    def test_only_accounting_administrators_change_backflush_settings(self):
        mrp_admin = self._make_user("bf_settings_mrp_admin", "mrp.group_mrp_manager")
        category = self.finished_categ.with_user(mrp_admin)
        for values in (
            {"property_backflush_trigger": "none"},
            {"property_backflush_scrap_variance_account_id": self.usage_variance.id},
        ):
            with (
                self.subTest(values),
                self.assertRaisesRegex(UserError, "Only accounting administrators"),
            ):
                category.write(values)
        category.name = "Finished goods (renamed)"  # other fields stay theirs
        manager = self._make_user(
            "bf_settings_account_admin", "account.group_account_manager,mrp.group_mrp_manager"
        )
        self.finished_categ.with_user(manager).property_backflush_trigger = "completion_only"
        self.assertEqual(self.finished_categ.property_backflush_trigger, "completion_only")

    def test_trigger_change_waits_for_orders_in_progress(self):
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        production = self._make_mo(10)
        self._produce(production, 5)
        self._mark_done(production, backorder=True)
        in_progress = production.procurement_group_id.mrp_production_ids - production
        self._produce(in_progress, 1)
        in_progress.state = "progress"  # started on the floor
        with self.assertRaisesRegex(UserError, f"finish or cancel {in_progress.name}"):
            self.finished_categ.property_backflush_trigger = "none"
        self.assertEqual(self.finished_categ.property_backflush_trigger, "completion")

    def test_shipment_trigger_change_waits_for_finished_units_on_hand(self):
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        self._mark_done(self._make_mo(10))
        with self.assertRaisesRegex(UserError, "deliver or scrap the 10"):
            self.finished_categ.property_backflush_trigger = "shipment"


@tagged("post_install", "-at_install")
class TestUnitsOfMeasure(BackflushCommon):
    """RIP credits equal the valuation layers' value of what was taken, whatever the
    units: stock quantities and the ledger follow the valuation layers."""

    def test_component_stocked_in_dozens_leaves_rip_at_its_layers_value(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        unit = self.env.ref("uom.product_uom_unit")
        dozens = self._make_product(
            "Screws (dozens)", self.components_categ, 12.0, uom_id=dozen.id, uom_po_id=dozen.id
        )
        product = self._make_product("Box", self.finished_categ, 16.0)
        self._make_bom(product, [(dozens, 16, {"product_uom_id": unit.id})])
        production = self._make_mo(10, bom=product.bom_ids)
        self._receive(dozens, 20)  # after confirmation: nothing reserved in dozens
        move = production.move_raw_ids
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": dozens.id,
                    "product_uom_id": unit.id,
                    "quantity": 160,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
            )
        ]
        move.picked = True
        production.qty_producing = 10
        self._mark_done(production)

        layers = production.move_raw_ids.stock_valuation_layer_ids
        taken = -sum(layers.mapped("quantity"))
        self.assertNotAlmostEqual(taken, 160 / 12, places=4, msg="Odoo rounded the dozens")
        posting = production.backflush_posting_ids
        rip_credit = sum(
            posting.move_id.line_ids.filtered(lambda line: line.account_id == self.rip).mapped(
                "balance"
            )
        )
        self.assertAmount(rip_credit, sum(layers.mapped("value")), "RIP follows the layers")
        self.assertAmount(posting.material_standard, 160.0, "standard: 160 units at 1.00")
        self.assertAmount(
            posting.usage_variance,
            -sum(layers.mapped("value")) - 160.0,
            "the rounding of the layer's quantity is usage variance",
        )
        check = self.env["mrp.backflush.reconciliation"].create({})
        self.assertTrue(check.is_balanced, check.status_message)
