from lxml import etree

from odoo import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import BackflushCommon

BACKFLUSH_ACCOUNTS = (
    "property_backflush_conversion_account_id",
    "property_backflush_usage_variance_account_id",
    "property_backflush_scrap_variance_account_id",
    "property_backflush_production_variance_account_id",
    "property_backflush_clearing_account_id",
)


@tagged("post_install", "-at_install")
class TestAdminConfiguration(BackflushCommon):
    """The administrator of Community configures backflush without debug mode: the
    standard administrator the README names reaches every setting from the menus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A standard administrator as Community makes one: Settings and the apps'
        # administrator groups, without the hidden "Show Full Accounting Features".
        cls.admin = new_test_user(
            cls.env,
            login="bf_community_admin",
            groups="base.group_system,mrp.group_mrp_manager,stock.group_stock_manager,"
            "account.group_account_manager,sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_admin_is_a_community_administrator(self):
        self.assertTrue(self.admin.has_group("account.group_account_manager"))
        self.assertFalse(self.admin.has_group("account.group_account_readonly"))
        self.assertFalse(self.admin.has_group("base.group_no_one"))

    def _visible_menus(self, user):
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {menu.get("xmlid") for menu in menus.values() if isinstance(menu, dict)}

    def test_every_menu_of_the_module_is_reachable_without_debug(self):
        menus = self._visible_menus(self.admin)
        for xmlid in (
            "mrp_backflush.menu_backflush_mrp_configuration",
            "mrp_backflush.menu_backflush_account",
            "mrp_backflush.mrp_backflush_posting_menu_account_register",
            "mrp_backflush.menu_backflush_variance_wizard",
            "mrp_backflush.menu_backflush_conversion_close",
            "mrp_backflush.menu_backflush_reconciliation",
            "mrp_backflush.mrp_backflush_posting_menu_mrp",
        ):
            self.assertIn(xmlid, menus)
        # and each action's model opens for the administrator
        for model in (
            "product.category",
            "mrp.backflush.posting",
            "mrp.backflush.variance.wizard",
            "mrp.backflush.conversion.close.wizard",
            "mrp.backflush.reconciliation",
        ):
            self.assertTrue(self.env[model].with_user(self.admin).has_access("read"), model)

    def test_configuration_screen_lists_categories_under_a_trigger_with_accounts(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "mrp_backflush.product_category_action_backflush"
        )
        self.assertEqual(action["res_model"], "product.category")
        view_id = self.env.ref("mrp_backflush.product_category_view_list_backflush").id
        views = (
            self.env["product.category"]
            .with_user(self.admin)
            .get_views([(view_id, "list"), (False, "search")])
        )
        arch = etree.fromstring(views["views"]["list"]["arch"])
        columns = {field.get("name") for field in arch.iter("field")}
        self.assertTrue({"property_backflush_trigger", *BACKFLUSH_ACCOUNTS} <= columns)
        self.assertIn("property_stock_valuation_account_id", columns)
        search = etree.fromstring(views["views"]["search"]["arch"])
        (flt,) = search.xpath("//filter[@name='backflush_trigger_set']")
        listed = (
            self.env["product.category"].with_user(self.admin).search(safe_eval(flt.get("domain")))
        )
        self.assertIn(self.finished_categ, listed)
        self.assertNotIn(self.components_categ, listed)
        rows = listed.read(["property_backflush_conversion_account_id"])
        self.assertIn(
            [self.applied.id, self.applied.display_name],
            [list(row["property_backflush_conversion_account_id"] or []) for row in rows],
        )

    def _category_form_fields(self, user):
        arch = self.env["product.category"].with_user(user).get_views([(False, "form")])
        root = etree.fromstring(arch["views"]["form"]["arch"])
        return {field.get("name"): field for field in root.iter("field")}, root

    def test_category_form_shows_the_accounts_and_requires_them_under_a_trigger(self):
        fields_, root = self._category_form_fields(self.admin)
        automatic = self.env.ref("stock_account.group_stock_accounting_automatic")
        self.env.ref("base.group_user").implied_ids -= automatic
        self.admin.groups_id -= automatic
        self.assertFalse(self.admin.has_group("stock_account.group_stock_accounting_automatic"))
        self.env.registry.clear_cache("templates")
        fields_, root = self._category_form_fields(self.admin)
        for name in (
            *BACKFLUSH_ACCOUNTS,
            "property_stock_valuation_account_id",
            "property_valuation",
            "property_backflush_trigger",
        ):
            self.assertIn(name, fields_, f"{name} hidden from the Community administrator")
        for trigger in ("completion", "shipment", "completion_only"):
            required = self.env["mrp.backflush.readiness"]._required_account_fields(trigger)
            for name in BACKFLUSH_ACCOUNTS:
                expression = fields_[name].get("required") or "False"
                self.assertEqual(
                    bool(safe_eval(expression, {"property_backflush_trigger": trigger})),
                    name in required,
                    f"form and server disagree on {name} under {trigger}",
                )
        self.assertEqual(self.env["mrp.backflush.readiness"]._required_account_fields("none"), ())
        self.assertTrue(root.xpath("//chatter"), "the trigger's tracking shows in the chatter")

    def test_form_refuses_to_save_a_trigger_without_its_accounts(self):
        form = Form(self.env["product.category"].with_user(self.admin))
        form.name = "New finished goods"
        form.property_cost_method = "standard"
        form.property_valuation = "real_time"
        form.property_stock_valuation_account_id = self.fg
        form.property_backflush_trigger = "completion"
        with self.assertRaisesRegex(AssertionError, "property_backflush_conversion_account_id"):
            form.save()
        form.property_backflush_conversion_account_id = self.applied
        form.property_backflush_usage_variance_account_id = self.usage_variance
        form.property_backflush_scrap_variance_account_id = self.scrap_variance
        form.property_backflush_production_variance_account_id = self.production_variance
        category = form.save()
        self.assertEqual(category.property_backflush_trigger, "completion")

    def test_trigger_change_warns_and_is_tracked(self):
        # Tracking as in the web client (the test classes switch it off by default).
        category = self.finished_categ.with_user(self.admin).with_context(
            tracking_disable=False, mail_notrack=False
        )
        # The warning, as the client gets it from onchange() when the field changes.
        result = category.onchange(
            {"property_backflush_trigger": "shipment"},
            ["property_backflush_trigger"],
            {"property_backflush_trigger": {}},
        )
        message = result["warning"]["message"]
        self.assertIn("delivered", message)
        self.assertIn("finished units are on hand", message)
        self.assertNotIn(
            "warning",
            self.env["product.category"].onchange(
                {"property_backflush_trigger": "shipment"},
                ["property_backflush_trigger"],
                {"property_backflush_trigger": {}},
            ),
            "no warning while the category is being created",
        )
        # The category was created in this transaction: commit its creation first (Odoo
        # tracks changes of records that existed before the transaction).
        self.env.flush_all()
        self.env.cr.precommit.run()
        category.property_backflush_trigger = "shipment"
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        self.assertEqual(category.property_backflush_trigger, "shipment")
        tracked = category.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "property_backflush_trigger"
        )
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.old_value_char, "Completion of good units")
        self.assertEqual(tracked.new_value_char, "Shipment of finished units")


@tagged("post_install", "-at_install")
class TestConfirmWarning(BackflushCommon):
    """A confirmed order says what its completion would miss, before it is marked done."""

    def test_confirmed_order_names_what_is_missing_and_who_sets_it(self):
        self.company.backflush_blocked_posting = "queue"
        operator = self._make_user("bf_warn_operator", "mrp.group_mrp_user")
        self.finished_categ.property_backflush_conversion_account_id = False
        self.component_b.standard_price = 0.0
        production = self._make_mo(5).with_user(operator)

        warning = production.backflush_configuration_warning
        self.assertIn("Conversion Costs Applied", warning)
        self.assertIn("Component B has no standard price", warning)
        self.assertIn("Manufacturing > Configuration > Backflush Costing", warning)
        self.assertIn("accounting administrator", warning)
        self.assertIn("Failed", warning, "the queue lets the operator go on")
        self.company.backflush_blocked_posting = "stop"
        production.invalidate_recordset(["backflush_configuration_warning"])
        self.assertIn("will be refused", production.backflush_configuration_warning)
        self.company.backflush_posting_mode = "deferred"  # checked when the batch posts
        production.invalidate_recordset(["backflush_configuration_warning"])
        self.assertIn("recorded as Pending", production.backflush_configuration_warning)
        self.company.backflush_posting_mode = "immediate"
        # the form shows it to the operator, as an alert
        form = Form(production)
        self.assertTrue(form.backflush_configuration_warning)

    def test_no_warning_when_configured_or_not_backflushed(self):
        production = self._make_mo(5)
        self.assertFalse(production.backflush_configuration_warning)
        self.finished_categ.property_backflush_conversion_account_id = False
        production.invalidate_recordset(["backflush_configuration_warning"])
        self.assertTrue(production.backflush_configuration_warning)
        self._force_trigger(self.finished_categ, "none")
        production.invalidate_recordset(["backflush_configuration_warning"])
        self.assertFalse(production.backflush_configuration_warning)


@tagged("post_install", "-at_install")
class TestProductForm(BackflushCommon):
    def test_conversion_cost_shows_only_under_a_trigger_with_the_currency(self):
        views = self.env["product.template"].get_views([(False, "form")])
        root = etree.fromstring(views["views"]["form"]["arch"])
        (field,) = root.xpath("//field[@name='backflush_conversion_cost']")
        self.assertEqual(field.get("widget"), "monetary")
        self.assertIn("backflush_trigger in (False, 'none')", field.get("invisible"))
        self.assertEqual(self.finished.product_tmpl_id.backflush_trigger, "completion")
        self.assertEqual(self.component_a.product_tmpl_id.backflush_trigger, "none")
        (roll_up,) = root.xpath("//button[@name='action_backflush_roll_up']")
        (bom_cost,) = root.xpath("//button[@name='button_bom_cost']")
        self.assertIn("Standard Conversion Cost", roll_up.get("help"))
        self.assertIn("Roll up standard cost", bom_cost.get("help"))

    def test_roll_up_tells_the_old_and_new_standard(self):
        self.finished.standard_price = 25.0
        action = self.finished.product_tmpl_id.action_backflush_roll_up()
        self.assertEqual(self.finished.standard_price, 31.0)
        self.assertEqual(action["tag"], "display_notification")
        message = action["params"]["message"]
        self.assertIn("25.00", message)
        self.assertIn("31.00", message)
        self.assertIn("material", message)
        self.assertIn("19.00", message)
        self.assertIn("12.00", message)
        logged = self.finished.product_tmpl_id.message_ids.filtered(
            lambda message: "Roll up standard cost" in message.body
        )
        self.assertEqual(len(logged), 1, "the change is in the product's chatter")
        self.assertIn("31.00", logged.body)

        again = self.finished.product_tmpl_id.action_backflush_roll_up()
        self.assertIn("unchanged at", again["params"]["message"])
        self.assertEqual(
            len(
                self.finished.product_tmpl_id.message_ids.filtered(
                    lambda message: "Roll up standard cost" in message.body
                )
            ),
            1,
            "nothing changed: nothing logged",
        )

    def test_product_form_shows_the_conversion_standard_in_force_and_its_source(self):
        workcenter = self.env["mrp.workcenter"].create({"name": "Paint", "costs_hour": 60.0})
        self.bom.operation_ids = [
            Command.create(
                {"name": "Paint", "workcenter_id": workcenter.id, "time_cycle_manual": 12.0}
            )
        ]
        template = self.finished.product_tmpl_id
        self.assertIn("12.00 per unit, this field", template.backflush_conversion_note)
        template.backflush_conversion_cost = 0.0
        template.invalidate_recordset(["backflush_conversion_note"])
        note = template.backflush_conversion_note
        self.assertIn("12.00 per unit, from the operations of", note)
        self.assertIn("this field is zero", note)
        views = template.get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='backflush_conversion_note']"))


@tagged("post_install", "-at_install")
class TestAccountantRole(BackflushCommon):
    def test_user_form_offers_the_accountant_role_without_debug(self):
        admin = self._make_user("bf_role_admin", "base.group_system,account.group_account_manager")
        self.assertFalse(admin.has_group("base.group_no_one"))
        role = self.env.ref("mrp_backflush.group_backflush_accountant")
        form_view = self.env.ref("base.view_users_form")  # Settings > Users > a user
        arch = self.env["res.users"].with_user(admin).get_views([(form_view.id, "form")])
        root = etree.fromstring(arch["views"]["form"]["arch"])
        shown = [
            field
            for field in root.iter("field")
            if str(role.id) in (field.get("name") or "").split("_")
            and field.get("groups") != "base.group_no_one"
            and field.get("invisible") not in ("True", "1")
        ]
        self.assertTrue(shown, "the role is on the user form outside debug mode")
        user = self._make_user("bf_role_accountant", "mrp_backflush.group_backflush_accountant")
        self.assertTrue(user.has_group("account.group_account_user"))
