"""Time a standard cost update over a large multi-level structure.

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
    StructurePlant,
    argument_parser,
    as_new_user,
    open_registry,
    rolled_back,
    say,
    timed,
)

from odoo import Command

COMPUTE_TARGET = 10.0
POST_TARGET = 30.0


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument("--products", type=int, default=10_000, help="products (10000)")
    parser.add_argument("--levels", type=int, default=5, help="levels, bought included (5)")
    parser.add_argument("--components", type=int, default=4, help="components per bill (4)")
    args = parser.parse_args(argv)
    if args.levels < 2 or args.components < 1 or args.products < 10 * args.levels:
        parser.error("at least 2 levels, 1 component and 10 products per level")
    return args


def main(argv=None):
    args = parse_args(argv)
    registry = open_registry(args)
    rows = []
    with rolled_back(registry) as root:
        cr = root.cr
        building = time.perf_counter()
        structure = StructurePlant(root, args.products, args.levels, args.components)
        built = time.perf_counter() - building
        env = as_new_user(
            root,
            "Standards administrator",
            "scu.admin",
            ("account.group_account_manager", "base.group_user"),
        )
        top = structure.levels[-1].with_env(env)
        made = structure.products[len(structure.levels[0]) :]
        print(
            f"standard cost update: {len(structure.products)} products over {args.levels} "
            f"levels {[len(level) for level in structure.levels]}, {args.components} "
            f"components a bill, 10 units of each on hand; built in {built:.0f} s "
            f"(rolled back at the end); timed as {env.user.name} (Invoicing administrator)"
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
