"""The plants of the in-process benchmarks (bench.py, bench_volume.py,
bench_standard_update.py) and what they share: their command line's database arguments,
the one transaction they build and measure in (rolled back at the end, so the database
is left as it was), the users they measure as, how one call is timed with a cold ORM
cache, the copying by SQL of rows the ORM made (volume without the ORM's cost), and the
building blocks of a plant (accounts, categories at standard cost, backflush accounts,
storable products, bills of materials).

Each benchmark's plant is built untimed before it measures: OrderPlant (bench.py: one
finished product of C components per scenario, made and delivered), VolumePlant
(bench_volume.py: the products and the ORM-made templates of a generated register),
StructurePlant (bench_standard_update.py: a multi-level structure with stock on hand).

Imported by those scripts, which Python runs with tools/ first on its path.
"""

import argparse
import sys
import time
from contextlib import contextmanager

import odoo
from odoo import Command, api
from odoo.tools import config

# ---------------------------------------------------------------- command line


def argument_parser(doc):
    """A parser described by the first paragraph of ``doc`` (the script's docstring),
    with the Odoo configuration file and the database every benchmark needs."""
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n", maxsplit=1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database with mrp_backflush")
    return parser


def say(message):
    """Progress, on stderr: the results on stdout stay a report."""
    print(f"    {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment


def open_registry(args):
    """The registry of ``args.database`` under ``args.config``, Odoo logging warnings."""
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    return odoo.modules.registry.Registry(args.database)


@contextmanager
def rolled_back(registry):
    """The superuser's environment on one cursor, whose transaction is rolled back at
    the end whatever happens: all the benchmark builds and measures is undone."""
    with registry.cursor() as cr:
        try:
            yield api.Environment(cr, odoo.SUPERUSER_ID, {})
        finally:
            cr.rollback()


def as_new_user(root, name, login, groups, **values):
    """``root``'s cursor as a new user of root's company (record rules apply) with the
    ``groups`` (XML ids), its login made unique, in UTC."""
    group_records = root["res.groups"].concat(*(root.ref(group) for group in groups))
    user = root["res.users"].create(
        {
            "name": name,
            "login": f"{login}.{int(time.time())}",
            "company_id": root.company.id,
            "company_ids": [Command.set(root.company.ids)],
            "groups_id": [Command.set(group_records.ids)],
            **values,
        }
    )
    return api.Environment(
        root.cr, user.id, {"tz": "UTC", "allowed_company_ids": [root.company.id]}
    )


def timed(env, call):
    """(seconds, queries, result) of ``call``, flushed, with a cold ORM cache (as each
    request starts cold)."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    result = call()
    env.flush_all()
    return time.perf_counter() - started, env.cr.sql_log_count - queries, result


# ---------------------------------------------------------------- SQL


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in cr.fetchall()]


def clone_sql(cr, table, template_alias, overrides, source):
    """INSERT INTO table (every column) SELECT the template's columns, ``overrides``
    ({column: SQL expression}) replacing some, FROM ``source`` (SQL joining the template
    as ``template_alias``)."""
    names = columns(cr, table)
    unknown = set(overrides) - set(names)
    if unknown:
        raise SystemExit(f"{table} has no column {', '.join(sorted(unknown))}")
    select = ", ".join(overrides.get(name, f'{template_alias}."{name}"') for name in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    cr.execute(f"INSERT INTO {table} ({quoted}) SELECT {select} FROM {source}")  # noqa: S608
    return cr.rowcount


# ---------------------------------------------------------------- plant building blocks

# The accounts a backflush category names: the code suffix of each and its field.
BACKFLUSH_ACCOUNTS = {
    "APP": "property_backflush_conversion_account_id",
    "USE": "property_backflush_usage_variance_account_id",
    "SCR": "property_backflush_scrap_variance_account_id",
    "PRV": "property_backflush_production_variance_account_id",
}


def backflush_journal(env):
    """The company's backflush journal; without one (no chart installed) no benchmark."""
    journal = env.company.backflush_journal_id
    if not journal:
        raise SystemExit("The company has no backflush journal: is a chart installed?")
    return journal


def account(env, code, account_type):
    """A new account, named by its code."""
    return env["account.account"].create({"code": code, "name": code, "account_type": account_type})


def backflush_accounts(env, prefix, suffixes=tuple(BACKFLUSH_ACCOUNTS)):
    """{suffix: a new expense account PREFIX.SUFFIX}, for ``backflush``."""
    return {suffix: account(env, f"{prefix}.{suffix}", "expense") for suffix in suffixes}


def backflush(trigger, accounts):
    """A category's values costing it by backflush at ``trigger`` on ``accounts``
    ({suffix: account}, see BACKFLUSH_ACCOUNTS)."""
    fields = {BACKFLUSH_ACCOUNTS[suffix]: record.id for suffix, record in accounts.items()}
    return {"property_backflush_trigger": trigger, **fields}


def category(env, name, stock_account, valuation="real_time", **values):
    """A category at standard cost, its stock valued (``valuation``) on ``stock_account``."""
    return env["product.category"].create(
        {
            "name": name,
            "property_cost_method": "standard",
            "property_valuation": valuation,
            "property_stock_valuation_account_id": stock_account.id,
            **values,
        }
    )


def storable(name, categ, price, **values):
    """The values of a storable product of ``categ`` at the standard ``price``."""
    return {
        "name": name,
        "is_storable": True,
        "categ_id": categ.id,
        "standard_price": price,
        **values,
    }


def bills_of_materials(env, bills, **values):
    """A bill of materials of one unit of each product of ``bills``, a list of
    (product, [(component, quantity), ...])."""
    return env["mrp.bom"].create(
        [
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_qty": 1.0,
                **values,
                "bom_line_ids": [
                    Command.create({"product_id": component.id, "product_qty": quantity})
                    for component, quantity in lines
                ],
            }
            for product, lines in bills
        ]
    )


# ---------------------------------------------------------------- bench.py's plant


class OrderPlant:
    """Accounts, categories and products of one of bench.py's scenarios: a finished
    product of C components made by orders and delivered, its stock valued under
    ``valuation``, costed by backflush at ``trigger`` ("none": not), its accounts' codes
    starting with ``tag``."""

    def __init__(self, env, scenario, components, tag, valuation, trigger):
        self.env = env
        self.component_categ = category(
            env,
            f"Bench components ({scenario}, {components})",
            account(env, f"{tag}.RIP", "asset_current"),
            valuation,
        )
        extra = {} if trigger == "none" else backflush(trigger, backflush_accounts(env, tag))
        self.finished_categ = category(
            env,
            f"Bench finished ({scenario}, {components})",
            account(env, f"{tag}.FG", "asset_current"),
            valuation,
            **extra,
        )
        self.components = env["product.product"].create(
            [
                storable(
                    f"Bench component {scenario} {components}.{index}",
                    self.component_categ,
                    1.0 + index / 100.0,
                )
                for index in range(components)
            ]
        )
        self.finished = env["product.product"].create(
            storable(
                f"Bench finished {scenario} {components}",
                self.finished_categ,
                100.0,
                backflush_conversion_cost=10.0,
            )
        )
        self.bom = bills_of_materials(
            env,
            [(self.finished, [(component, 1.0) for component in self.components])],
            consumption="flexible",
        )
        self.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )

    def _count_stock(self, products, quantity):
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {
                    "product_id": product.id,
                    "location_id": self.warehouse.lot_stock_id.id,
                    "inventory_quantity": quantity,
                }
                for product in products
            ]
        ).action_apply_inventory()

    def stock_components(self, quantity):
        self._count_stock(self.components, quantity)

    def stock_finished(self, quantity):
        """Finished units on hand by an inventory adjustment (under Shipment, costed by
        backflush as a stock adjustment; never measured)."""
        self._count_stock(self.finished, quantity)

    def confirmed_orders(self, count):
        orders = self.env["mrp.production"].create(
            [
                {"product_id": self.finished.id, "bom_id": self.bom.id, "product_qty": 2.0}
                for _index in range(count)
            ]
        )
        orders.action_confirm()
        return orders

    def ready_deliveries(self, count, partner):
        picking_type = self.warehouse.out_type_id
        customers = self.env.ref("stock.stock_location_customers")
        pickings = self.env["stock.picking"].create(
            [
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id,
                    "location_id": self.warehouse.lot_stock_id.id,
                    "location_dest_id": customers.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.finished.display_name,
                                "product_id": self.finished.id,
                                "product_uom_qty": 2.0,
                                "product_uom": self.finished.uom_id.id,
                                "location_id": self.warehouse.lot_stock_id.id,
                                "location_dest_id": customers.id,
                            }
                        )
                    ],
                }
                for _index in range(count)
            ]
        )
        pickings.action_confirm()
        pickings.action_assign()
        return pickings


# ---------------------------------------------------------------- bench_volume.py's plant


class VolumePlant:
    """Accounts, products and templates of bench_volume.py's generated register: P
    finished products (trigger Completion) of K components each."""

    CONVERSION_PER_UNIT = 10.0

    def __init__(self, env, products, components):
        self.env = env
        self.company = env.company
        self.journal = backflush_journal(env)
        self.rip = account(env, "VOL.RIP", "asset_current")
        self.fg = account(env, "VOL.FG", "asset_current")
        accounts = backflush_accounts(env, "VOL", ("APP", "USE", "PRV"))
        self.applied, self.usage, self.production = (
            accounts["APP"],
            accounts["USE"],
            accounts["PRV"],
        )
        self.control = account(env, "VOL.CTL", "expense")
        self.accrued = account(env, "VOL.ACR", "liability_current")
        self.component_categ = category(env, "Volume components", self.rip)
        self.finished_categ = category(
            env, "Volume finished", self.fg, **backflush("completion", accounts)
        )
        pool = max(4 * components, 20)
        self.components = env["product.product"].create(
            [
                storable(f"Volume component {index}", self.component_categ, 1.0 + index / 10.0)
                for index in range(pool)
            ]
        )
        self.bom_of = {}  # finished product index: [(component, quantity per unit)]
        finished = []
        for index in range(products):
            parts = [
                (self.components[(index * 3 + k * 7) % pool], 1.0 + (k % 3))
                for k in range(components)
            ]
            material = sum(part.standard_price * quantity for part, quantity in parts)
            finished.append(
                storable(
                    f"Volume finished {index}",
                    self.finished_categ,
                    # a little off material + conversion: a production variance
                    round(material + self.CONVERSION_PER_UNIT + index % 5, 2),
                    backflush_conversion_cost=self.CONVERSION_PER_UNIT,
                )
            )
            self.bom_of[index] = parts
        self.products = env["product.product"].create(finished)
        bills_of_materials(
            env, [(product, self.bom_of[index]) for index, product in enumerate(self.products)]
        )

    def templates(self, day):
        """One completion entry with a line of each kind, its register record, and one
        actual conversion cost entry, made by the ORM."""
        env = self.env
        product = self.products[0]
        part = self.components[0]

        def line(account, balance, kind, product=None):
            values = {
                "name": "template",
                "account_id": account.id,
                "balance": balance,
                "backflush_kind": kind,
            }
            if product:
                values.update(product_id=product.id, quantity=1.0)
            return Command.create(values)

        entry = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.journal.id,
                "date": day,
                "ref": "volume template",
                "line_ids": [
                    line(self.fg, 100.0, "finished", product),
                    line(self.rip, -85.0, "material", part),
                    line(self.applied, -10.0, "conversion", product),
                    line(self.usage, 2.0, "usage_variance"),
                    line(self.production, -7.0, "production_variance"),
                ],
            }
        )
        entry.action_post()
        # The register takes records from the module's own code paths only (the template
        # is one, as in tests/test_integrity.py).
        from odoo.addons.mrp_backflush.models.internal_context import REGISTER_UPDATE  # noqa: PLC0415

        posting = REGISTER_UPDATE.on(env["mrp.backflush.posting"].sudo()).create(
            {
                "name": "volume template",
                "event_key": "volume:template",
                "kind": "completion",
                "trigger": "completion",
                "company_id": self.company.id,
                "date": day,
                "product_id": product.id,
                "quantity": 1.0,
                "material_standard": 83.0,
                "material_actual": 85.0,
                "conversion_standard": 10.0,
                "usage_variance": 2.0,
                "production_variance": -7.0,
                "finished_value": 100.0,
                "move_id": entry.id,
                "state": "posted",
            }
        )
        misc = (
            env["account.journal"].search(
                [
                    ("company_id", "=", self.company.id),
                    ("type", "=", "general"),
                    ("id", "!=", self.journal.id),
                ],
                limit=1,
            )
            or self.journal
        )
        labour = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": misc.id,
                "date": day,
                "ref": "volume labour template",
                "line_ids": [
                    Command.create(
                        {"name": "labour", "account_id": self.control.id, "balance": 200.0}
                    ),
                    Command.create(
                        {"name": "labour", "account_id": self.accrued.id, "balance": -200.0}
                    ),
                ],
            }
        )
        labour.action_post()
        env.flush_all()
        return entry, posting, labour


# ---------------------------------------------------------------- bench_standard_update.py's


class StructurePlant:
    """The categories, products, bills of materials and stock of
    bench_standard_update.py: ``products`` over ``levels`` levels, BOUGHT_SHARE of them
    bought, each made one a bill of ``components`` components from the levels below."""

    BOUGHT_SHARE = 0.4

    def __init__(self, env, products, levels, components):
        self.env = env
        self.rip = account(env, "SCU.RIP", "asset_current")
        self.fg = account(env, "SCU.FG", "asset_current")
        self.sub = account(env, "SCU.SUB", "asset_current")
        self.revaluation = account(env, "SCU.REV", "expense")
        expense = {"property_account_expense_categ_id": self.revaluation.id}
        accounts = backflush_accounts(env, "SCU")
        self.bought_categ = category(env, "SCU bought", self.rip, **expense)
        self.sub_categ = category(
            env, "SCU sub-assemblies", self.sub, **expense, **backflush("completion", accounts)
        )
        self.top_categs = [
            category(
                env, f"SCU finished ({trigger})", self.fg, **expense, **backflush(trigger, accounts)
            )
            for trigger in ("shipment", "completion")
        ]
        self.levels = []
        sizes = self.level_sizes(products, levels)
        for level, size in enumerate(sizes):
            say(f"level {level}: {size} products")
            self.levels.append(self._products(level, size, len(sizes), components))
        self.products = env["product.product"].concat(*self.levels)
        self._stock_on_hand()

    @classmethod
    def level_sizes(cls, products, levels):
        """Products per level: BOUGHT_SHARE bought, the rest shrinking by a third a level."""
        bought = int(products * cls.BOUGHT_SHARE)
        weights = [(2 / 3) ** level for level in range(levels - 1)]
        made = [int((products - bought) * weight / sum(weights)) for weight in weights]
        made[0] += products - bought - sum(made)
        return [bought, *made]

    def _products(self, level, size, levels, components):
        top = level == levels - 1
        products = self.env["product.product"].create(
            [
                storable(
                    f"SCU L{level} #{index}",
                    self.bought_categ
                    if level == 0
                    else self.top_categs[index % 2]
                    if top
                    else self.sub_categ,
                    1.0 + (index % 50) / 10.0,
                    backflush_conversion_cost=0.0 if level == 0 else 2.0,
                )
                for index in range(size)
            ]
        )
        if level:
            below = self.levels[level - 1]
            bought = self.levels[0]
            # the level just below, and bought parts
            parts = [below if k % 2 == 0 else bought for k in range(components)]
            bills_of_materials(
                self.env,
                [
                    (
                        product,
                        [
                            (part[(index * 7 + k * 13) % len(part)], 1.0 + k % 3)
                            for k, part in enumerate(parts)
                        ],
                    )
                    for index, product in enumerate(products)
                ],
            )
        return products

    def _stock_on_hand(self):
        """10 units of every product: one layer by the ORM, the others copied by SQL."""
        Layer = self.env["stock.valuation.layer"]
        template = Layer.create(
            {
                "company_id": self.env.company.id,
                "product_id": self.products[0].id,
                "quantity": 10.0,
                "unit_cost": self.products[0].standard_price,
                "value": 10.0 * self.products[0].standard_price,
                "remaining_qty": 10.0,
                "remaining_value": 10.0 * self.products[0].standard_price,
                "description": "benchmark stock",
            }
        )
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "CREATE TEMP TABLE scu_price AS SELECT id AS product_id, "
            "(standard_price->>%s)::numeric AS price FROM product_product WHERE id = ANY(%s)",
            [str(self.env.company.id), self.products[1:].ids],
        )
        clone_sql(
            cr,
            "stock_valuation_layer",
            "t",
            {
                "id": "nextval('stock_valuation_layer_id_seq')",
                "product_id": "p.product_id",
                "unit_cost": "p.price",
                "value": "10 * p.price",
                "remaining_value": "10 * p.price",
            },
            f"stock_valuation_layer t, scu_price p WHERE t.id = {template.id}",  # noqa: S608
        )
        self.env.invalidate_all()
