"""Time a standard cost update over a large multi-level structure (issue 17, 3).

Runs inside a real Odoo 18 database where mrp_backflush is installed, in one
transaction that is rolled back at the end (the database is left as it was).

Untimed, it builds --products products over --levels levels (about 40% bought, the
rest made, fewer per level going up), each made product a bill of materials of
--components components from the levels below it; the top level costed at Shipment
(half of it) and Completion, the others at Completion; and stock on hand for every
product (a valuation layer each, copied by SQL from one the ORM made).

Timed, as an accounting administrator (record rules apply), with the queries counted:

- compute: a standard cost update of the top-level products, every level below them
  walked and rolled up, the preview written;
- compute again after every bought product's planned price went up 5%;
- post: the new standards set through Odoo's price change, one entry;
- Odoo's Compute Price from BoM (product.product.action_bom_cost, mrp_account) over
  the same made products, bottom level first (as a user would have to), as the
  superuser (it needs Manufacturing rights), in a savepoint rolled back before the
  update is posted.

Prints seconds and queries of each, queries per product, the targets (compute 10 s,
post 30 s) and the ratio to Odoo's Compute Price from BoM. Asserts nothing.

    python tools/bench_standard_update.py -c ODOO_CONF -d DATABASE [--products 10000]
        [--levels 5] [--components 4]
"""

import time

from benchplant import (
    argument_parser,
    clone_sql,
    company_user,
    open_registry,
    rolled_back,
    say,
    timed,
    user_env,
)

from odoo import Command

COMPUTE_TARGET = 10.0
POST_TARGET = 30.0
BOUGHT_SHARE = 0.4


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument("--products", type=int, default=10_000, help="products (10000)")
    parser.add_argument("--levels", type=int, default=5, help="levels, bought included (5)")
    parser.add_argument("--components", type=int, default=4, help="components per bill (4)")
    args = parser.parse_args(argv)
    if args.levels < 2 or args.components < 1 or args.products < 10 * args.levels:
        parser.error("at least 2 levels, 1 component and 10 products per level")
    return args


def level_sizes(products, levels):
    """Products per level: BOUGHT_SHARE bought, the rest shrinking by a third a level."""
    bought = int(products * BOUGHT_SHARE)
    weights = [(2 / 3) ** level for level in range(levels - 1)]
    made = [int((products - bought) * weight / sum(weights)) for weight in weights]
    made[0] += products - bought - sum(made)
    return [bought, *made]


class Structure:
    """The categories, products, bills of materials and stock of the benchmark."""

    def __init__(self, env, args):
        self.env = env
        account = self._account
        self.rip, self.fg = account("SCU.RIP", "asset_current"), account("SCU.FG", "asset_current")
        self.sub = account("SCU.SUB", "asset_current")
        self.revaluation = account("SCU.REV", "expense")
        expense = {"property_account_expense_categ_id": self.revaluation.id}
        backflush = {
            "property_backflush_conversion_account_id": account("SCU.APP", "expense").id,
            "property_backflush_usage_variance_account_id": account("SCU.USE", "expense").id,
            "property_backflush_production_variance_account_id": account("SCU.PRV", "expense").id,
            "property_backflush_scrap_variance_account_id": account("SCU.SCR", "expense").id,
        }
        category = self._category
        self.bought_categ = category("SCU bought", self.rip, **expense)
        self.sub_categ = category(
            "SCU sub-assemblies", self.sub, "completion", **expense, **backflush
        )
        self.top_categs = [
            category("SCU finished (shipment)", self.fg, "shipment", **expense, **backflush),
            category("SCU finished (completion)", self.fg, "completion", **expense, **backflush),
        ]
        self.levels = []
        sizes = level_sizes(args.products, args.levels)
        for level, size in enumerate(sizes):
            say(f"level {level}: {size} products")
            self.levels.append(self._products(level, size, len(sizes), args.components))
        self.products = env["product.product"].concat(*self.levels)
        self._stock_on_hand()

    def _account(self, code, account_type):
        return self.env["account.account"].create(
            {"code": code, "name": code, "account_type": account_type}
        )

    def _category(self, name, valuation, trigger=None, **values):
        vals = {
            "name": name,
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            "property_stock_valuation_account_id": valuation.id,
            **values,
        }
        if trigger:
            vals["property_backflush_trigger"] = trigger
        return self.env["product.category"].create(vals)

    def _products(self, level, size, levels, components):
        top = level == levels - 1
        products = self.env["product.product"].create(
            [
                {
                    "name": f"SCU L{level} #{index}",
                    "is_storable": True,
                    "categ_id": (
                        self.bought_categ
                        if level == 0
                        else self.top_categs[index % 2]
                        if top
                        else self.sub_categ
                    ).id,
                    "standard_price": 1.0 + (index % 50) / 10.0,
                    "backflush_conversion_cost": 0.0 if level == 0 else 2.0,
                }
                for index in range(size)
            ]
        )
        if level:
            below = self.levels[level - 1]
            bought = self.levels[0]
            self.env["mrp.bom"].create(
                [
                    {
                        "product_tmpl_id": product.product_tmpl_id.id,
                        "product_qty": 1.0,
                        "bom_line_ids": [
                            Command.create(
                                {
                                    # the level just below, and bought parts
                                    "product_id": (below if k % 2 == 0 else bought)[
                                        (index * 7 + k * 13) % len(below if k % 2 == 0 else bought)
                                    ].id,
                                    "product_qty": 1.0 + k % 3,
                                }
                            )
                            for k in range(components)
                        ],
                    }
                    for index, product in enumerate(products)
                ]
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


def main(argv=None):
    args = parse_args(argv)
    registry = open_registry(args)
    rows = []
    with rolled_back(registry) as root:
        cr = root.cr
        building = time.perf_counter()
        structure = Structure(root, args)
        built = time.perf_counter() - building
        user = company_user(
            root,
            "Standards administrator",
            "scu.admin",
            ("account.group_account_manager", "base.group_user"),
        )
        env = user_env(root, user)
        top = structure.levels[-1].with_env(env)
        made = structure.products[len(structure.levels[0]) :]
        print(
            f"standard cost update: {len(structure.products)} products over {args.levels} "
            f"levels {[len(level) for level in structure.levels]}, {args.components} "
            f"components a bill, 10 units of each on hand; built in {built:.0f} s "
            f"(rolled back at the end); timed as {user.name} (Invoicing administrator)"
        )
        update = env["mrp.backflush.standard.update"].create(
            {
                "product_ids": [Command.set(top.ids)],
                "revaluation_account_id": structure.revaluation.id,
            }
        )
        say("compute")
        rows.append(("compute", *timed(env, update.action_compute)[:2], COMPUTE_TARGET))
        lines = len(update.line_ids)
        cr.execute(
            "UPDATE mrp_backflush_standard_update_line "
            "SET planned_price = round((current_standard * 1.05)::numeric, 2) "
            "WHERE update_id = %s AND bom_id IS NULL",
            [update.id],
        )
        update.invalidate_recordset()
        say("compute again")
        rows.append(("compute again", *timed(env, update.action_compute)[:2], COMPUTE_TARGET))
        say("Odoo's Compute Price from BoM")
        cr.execute("SAVEPOINT odoo_bom_cost")
        # As the superuser: Odoo's button needs Manufacturing rights this user lacks.
        odoo_seconds, odoo_queries, _ = timed(
            root, lambda: [level.action_bom_cost() for level in structure.levels[1:]]
        )
        cr.execute("ROLLBACK TO SAVEPOINT odoo_bom_cost")
        env.invalidate_all()
        say("post")
        rows.append(("post", *timed(env, update.action_post)[:2], POST_TARGET))
        if update.state != "posted":
            print(f"warning: the update is {update.state}, not posted")
        entries = len(update.move_id)
    print()
    print(f"{'step':<16}{'seconds':>9}{'queries':>10}{'per product':>13}{'target':>9}")
    for name, seconds, queries, target in rows:
        print(f"{name:<16}{seconds:>9.1f}{queries:>10}{queries / lines:>13.2f}{target:>8.0f}s")
    print(
        f"{'Odoo bom cost':<16}{odoo_seconds:>9.1f}{odoo_queries:>10}"
        f"{odoo_queries / len(made):>13.2f}{'':>9}"
    )
    ours = rows[1][1] + rows[2][1]
    print()
    print(
        f"{lines} lines, {entries} entry posted. Compute again + post / Odoo's Compute Price "
        f"from BoM over the {len(made)} made products: {ours / odoo_seconds:.2f} "
        f"({ours:.1f} s / {odoo_seconds:.1f} s)"
    )


if __name__ == "__main__":
    main()
