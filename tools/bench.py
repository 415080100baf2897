"""Close N manufacturing orders under Odoo's valuation and under backflush, and compare.

Runs inside a real Odoo 18 database where mrp_backflush is installed, in one
transaction that is rolled back at the end (the database is left as it was).
For each scenario it creates a finished product made of C components, puts the
components in stock, confirms N orders (none of this is measured), then marks
the orders done one by one, as a shop floor would, and measures wall time, SQL
queries and journal entries created.

    python tools/bench.py -c ODOO_CONF -d DATABASE [--orders 50] [--components 30]

Prints ratios; asserts nothing about time.
"""

import argparse
import time

import odoo
from odoo import Command, api
from odoo.tools import config

SCENARIOS = ("none", "completion")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database with mrp_backflush")
    parser.add_argument("--orders", type=int, default=50, help="orders closed per scenario")
    parser.add_argument("--components", type=int, default=30, help="components per order")
    parser.add_argument("--warmup", type=int, default=3, help="orders closed before measuring")
    return parser.parse_args()


class Plant:
    """Accounts, categories and products of one benchmark scenario."""

    def __init__(self, env, trigger, components):
        self.env = env
        self.trigger = trigger
        tag = f"BENCH.{trigger.upper()[:4]}"
        account = self._account
        self.component_categ = self._category(
            f"Bench components ({trigger})", account(f"{tag}.RIP", "asset_current")
        )
        extra = {}
        if trigger != "none":
            extra = {
                "property_backflush_trigger": trigger,
                "property_backflush_conversion_account_id": account(f"{tag}.APP", "expense").id,
                "property_backflush_usage_variance_account_id": account(f"{tag}.USE", "expense").id,
                "property_backflush_production_variance_account_id": account(
                    f"{tag}.PRV", "expense"
                ).id,
            }
        self.finished_categ = self._category(
            f"Bench finished ({trigger})", account(f"{tag}.FG", "asset_current"), **extra
        )
        self.components = env["product.product"].create(
            [
                {
                    "name": f"Bench component {trigger} {index}",
                    "is_storable": True,
                    "categ_id": self.component_categ.id,
                    "standard_price": 1.0 + index / 100.0,
                }
                for index in range(components)
            ]
        )
        self.finished = env["product.product"].create(
            {
                "name": f"Bench finished {trigger}",
                "is_storable": True,
                "categ_id": self.finished_categ.id,
                "standard_price": 100.0,
                "backflush_conversion_cost": 10.0,
            }
        )
        self.bom = env["mrp.bom"].create(
            {
                "product_tmpl_id": self.finished.product_tmpl_id.id,
                "product_qty": 1.0,
                "consumption": "flexible",
                "bom_line_ids": [
                    Command.create({"product_id": component.id, "product_qty": 1.0})
                    for component in self.components
                ],
            }
        )

    def _account(self, code, account_type):
        return self.env["account.account"].create(
            {"code": code, "name": code, "account_type": account_type}
        )

    def _category(self, name, valuation_account, **values):
        return self.env["product.category"].create(
            {
                "name": name,
                "property_cost_method": "standard",
                "property_valuation": "real_time",
                "property_stock_valuation_account_id": valuation_account.id,
                **values,
            }
        )

    def stock_components(self, quantity):
        location = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {
                    "product_id": component.id,
                    "location_id": location.id,
                    "inventory_quantity": quantity,
                }
                for component in self.components
            ]
        ).action_apply_inventory()

    def confirmed_orders(self, count):
        orders = self.env["mrp.production"].create(
            [
                {"product_id": self.finished.id, "bom_id": self.bom.id, "product_qty": 2.0}
                for _index in range(count)
            ]
        )
        orders.action_confirm()
        return orders


def close_orders(env, orders):
    """Mark each order done on its own; return (seconds, queries, journal entries)."""
    cr = env.cr
    env.flush_all()
    last_entry = env["account.move"].search([], order="id desc", limit=1).id or 0
    queries_before = cr.sql_log_count
    started = time.perf_counter()
    for order in orders:
        order.button_mark_done()
        env.flush_all()
    seconds = time.perf_counter() - started
    queries = cr.sql_log_count - queries_before
    entries = env["account.move"].search_count([("id", ">", last_entry)])
    not_done = orders.filtered(lambda order: order.state != "done")
    if not_done:
        raise SystemExit(f"{len(not_done)} orders were not closed: {not_done.mapped('name')}")
    return seconds, queries, entries


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if not env.company.backflush_journal_id:
            raise SystemExit("The company has no backflush journal: is a chart installed?")
        env.user.groups_id |= env.ref("stock_account.group_stock_accounting_automatic")
        results = {}
        for trigger in SCENARIOS:
            plant = Plant(env, trigger, args.components)
            plant.stock_components(2.0 * (args.orders + args.warmup))
            warmup = plant.confirmed_orders(args.warmup)
            orders = plant.confirmed_orders(args.orders)
            close_orders(env, warmup)
            results[trigger] = close_orders(env, orders)
        cr.rollback()
    report(args, results)


def report(args, results):
    print(f"orders per scenario: {args.orders}, components per order: {args.components}")
    print(f"{'scenario':<12}{'entries/order':>15}{'queries/order':>15}{'ms/order':>12}")
    for trigger, (seconds, queries, entries) in results.items():
        print(
            f"{trigger:<12}{entries / args.orders:>15.2f}{queries / args.orders:>15.1f}"
            f"{1000 * seconds / args.orders:>12.1f}"
        )
    none_seconds, none_queries, none_entries = results["none"]
    seconds, queries, entries = results["completion"]
    print(
        f"ratio completion/none: time {seconds / none_seconds:.2f}, "
        f"queries {queries / none_queries:.2f}, entries {entries / none_entries:.3f}"
    )


if __name__ == "__main__":
    main()
