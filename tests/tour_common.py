from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user


class BackflushTourCommon(HttpCase):
    """Browser tours run as the module's users, not as the superuser: a tour passes only
    if the rights the README gives each role are enough for what that role does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", cls.company)
        # No "Automatic Stock Accounting" group: Community has no setting for it, and the
        # category form shows Inventory Valuation to accounting administrators anyway.
        cls.stock_location = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .lot_stock_id
        )

    @classmethod
    def _user(cls, login, groups):
        groups = ",".join(
            xmlid
            for xmlid in groups.split(",")
            if cls.env.ref(xmlid, raise_if_not_found=False)  # e.g. sales, when installed
        )
        return new_test_user(
            cls.env,
            login=login,
            password=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _account(cls, code, name, account_type="expense"):
        return cls.env["account.account"].create(
            {"code": code, "name": name, "account_type": account_type}
        )

    @classmethod
    def _routed_done_order(cls, prefix, minutes_logged):
        """A backflushed order (trigger Completion) made through one work order with
        ``minutes_logged`` of productive time logged, done: the normal case of a plant
        that costs conversion (Manufacturing > Work Orders on)."""
        cls.env.ref("base.group_user").implied_ids |= cls.env.ref("mrp.group_mrp_routings")
        account = cls._account
        common = {"property_cost_method": "standard", "property_valuation": "real_time"}
        components = cls.env["product.category"].create(
            {
                "name": f"{prefix} Components",
                "property_stock_valuation_account_id": account(
                    f"{prefix}.RIP", f"{prefix} RIP", "asset_current"
                ).id,
                **common,
            }
        )
        finished = cls.env["product.category"].create(
            {
                "name": f"{prefix} Finished",
                "property_stock_valuation_account_id": account(
                    f"{prefix}.FG", f"{prefix} FG", "asset_current"
                ).id,
                "property_backflush_trigger": "completion",
                "property_backflush_conversion_account_id": account(f"{prefix}.APP", "A").id,
                "property_backflush_usage_variance_account_id": account(f"{prefix}.USE", "U").id,
                "property_backflush_scrap_variance_account_id": account(f"{prefix}.SCR", "S").id,
                "property_backflush_production_variance_account_id": account(
                    f"{prefix}.PRV", "P"
                ).id,
                **common,
            }
        )
        part = cls.env["product.product"].create(
            {
                "name": f"{prefix} Part",
                "is_storable": True,
                "categ_id": components.id,
                "standard_price": 7.0,
            }
        )
        made = cls.env["product.product"].create(
            {
                "name": f"{prefix} Assembly",
                "is_storable": True,
                "categ_id": finished.id,
                "standard_price": 26.0,
            }
        )
        workcenter = cls.env["mrp.workcenter"].create(
            {"name": f"{prefix} Cell", "costs_hour": 60.0}
        )
        bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": made.product_tmpl_id.id,
                "bom_line_ids": [Command.create({"product_id": part.id, "product_qty": 2})],
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Assemble",
                            "workcenter_id": workcenter.id,
                            "time_cycle_manual": 12,
                        }
                    )
                ],
            }
        )
        cls.env["stock.quant"].with_context(inventory_mode=True).create(
            {"product_id": part.id, "location_id": cls.stock_location.id, "inventory_quantity": 20}
        ).action_apply_inventory()
        production = cls.env["mrp.production"].create(
            {"name": f"{prefix}/MO/0001", "product_id": made.id, "bom_id": bom.id, "product_qty": 5}
        )
        production.action_confirm()
        now = fields.Datetime.now()
        cls.env["mrp.workcenter.productivity"].create(
            {
                "workorder_id": production.workorder_ids.id,
                "workcenter_id": workcenter.id,
                "loss_id": cls.env.ref("mrp.block_reason7").id,  # Productive
                "date_start": now - timedelta(minutes=minutes_logged),
                "date_end": now,
            }
        )
        production.qty_producing = 5
        production.move_raw_ids.picked = True
        production.button_mark_done()
        assert production.state == "done" and production.backflush_posting_ids
        return production
