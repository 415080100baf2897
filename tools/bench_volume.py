"""Time the accountant's backflush screens over a large register.

Runs inside a real Odoo 18 database where mrp_backflush is installed, in one
transaction that is rolled back at the end (the database is left as it was).

Untimed, it creates ~P finished products (trigger Completion) with bills of materials
of K components, then generates by SQL R register records (mrp.backflush.posting,
kind completion, posted) with their journal entries (account.move posted in the
company's backflush journal, balanced account.move.line tagged with backflush_kind:
finished goods, one material line per component, conversion applied, usage and
production variances), dated over the last M full months, plus the actual conversion
costs (one entry on a Conversion Costs Control account per 20 postings). Each
generated row is a copy of a template made by the ORM (so every stored column Odoo
fills is filled), with its own ids, dates, products and amounts. Then ANALYZE.

Timed as an accounting administrator (record rules apply), the median of --repeat runs
with a cold ORM cache each:

- register: the list's first page, web_search_read of 80 records ordered by date desc
  with the list view's fields (and the record count, as the web client asks it);
- pivot: read_group of the register by product and date:month, measures finished_value,
  usage_variance, production_variance;
- reconciliation: create an mrp.backflush.reconciliation and read its form (line_ids
  and their figures, totals, queued postings, movements without a posting);
- close preview: create an mrp.backflush.conversion.close.wizard for the last month
  with the control account and read preview_line_ids and the totals.

Each against a 2 s target; asserts nothing.

    python tools/bench_volume.py -c ODOO_CONF -d DATABASE [--records 100000]
        [--products 50] [--components 5] [--months 24] [--repeat 3]
"""

import statistics
import time
from datetime import date

from benchplant import (
    VolumePlant,
    argument_parser,
    as_new_user,
    clone_sql,
    open_registry,
    rolled_back,
    say,
    timed,
)

from odoo import Command
from odoo.tools.date_utils import end_of, start_of, subtract

TARGET_SECONDS = 2.0
# Postings per actual conversion cost entry (Conversion Costs Control).
POSTINGS_PER_LABOUR_ENTRY = 20


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--records", type=int, default=100_000, help="register records (default 100000)"
    )
    parser.add_argument("--products", type=int, default=50, help="finished products (50)")
    parser.add_argument(
        "--components", type=int, default=5, help="components per bill of materials (5)"
    )
    parser.add_argument("--months", type=int, default=24, help="months covered (24)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per screen, median (3)")
    args = parser.parse_args(argv)
    if min(args.records, args.products, args.components, args.months, args.repeat) < 1:
        parser.error("every count must be at least 1")
    return args


def generate(env, plant, args, first_day, last_day):
    """The register, its entries and the actual conversion costs, by SQL."""
    cr = env.cr
    entry, posting, labour = plant.templates(last_day)
    kinds = {line.backflush_kind: line.id for line in entry.line_ids}
    labour_lines = {
        "control": labour.line_ids.filtered(lambda line: line.account_id == plant.control).id,
        "accrued": labour.line_ids.filtered(lambda line: line.account_id == plant.accrued).id,
    }
    days = (last_day - first_day).days + 1
    cr.execute("SELECT setseed(0.42)")
    # The bills of materials: product index -> components, their price and quantity.
    cr.execute(
        "CREATE TEMP TABLE vol_product (idx int, product_id int, price numeric) ON COMMIT DROP"
    )
    cr.execute(
        "CREATE TEMP TABLE vol_bom (idx int, seq int, component_id int, unit_price numeric,"
        " per_unit numeric) ON COMMIT DROP"
    )
    cr.execute(
        "INSERT INTO vol_product VALUES " + ", ".join(["(%s, %s, %s)"] * len(plant.products)),
        [
            value
            for index, product in enumerate(plant.products)
            for value in (index, product.id, product.standard_price)
        ],
    )
    bom_rows = [
        (index, seq, part.id, part.standard_price, quantity)
        for index, parts in plant.bom_of.items()
        for seq, (part, quantity) in enumerate(parts)
    ]
    cr.execute(
        "INSERT INTO vol_bom VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(bom_rows)),
        [value for row in bom_rows for value in row],
    )
    # One row per posting: its ids, date, product, quantity and amounts.
    cr.execute(
        """
        CREATE TEMP TABLE vol_gen ON COMMIT DROP AS
        SELECT g, nextval('account_move_id_seq')::int AS move_id,
               nextval('mrp_backflush_posting_id_seq')::int AS posting_id,
               %(first)s::date + floor(random() * %(days)s)::int AS day,
               floor(random() * %(products)s)::int AS idx,
               (1 + floor(random() * 10))::numeric AS qty,
               CASE WHEN random() < 0.3 THEN round((random() * 4 - 2)::numeric, 2)
                    ELSE 0 END AS usage
          FROM generate_series(1, %(records)s) g
        """,
        {"first": first_day, "days": days, "products": args.products, "records": args.records},
    )
    cr.execute(
        """
        CREATE TEMP TABLE vol_amounts ON COMMIT DROP AS
        SELECT gen.*, p.product_id, round(gen.qty * p.price, 2) AS finished,
               m.material, round(gen.qty * %(conversion)s, 2) AS conversion
          FROM vol_gen gen
          JOIN vol_product p ON p.idx = gen.idx,
               LATERAL (SELECT sum(round(gen.qty * b.unit_price * b.per_unit, 2)) AS material
                          FROM vol_bom b WHERE b.idx = gen.idx) m
        """,
        {"conversion": plant.CONVERSION_PER_UNIT},
    )
    cr.execute("ALTER TABLE vol_amounts ADD COLUMN production numeric")
    cr.execute("UPDATE vol_amounts SET production = material + conversion - finished")
    cr.execute("ANALYZE vol_amounts")
    say(f"inserting {args.records} entries")
    now = "now() at time zone 'UTC'"
    name = "'BFL/' || to_char(a.day, 'YYYY/MM/') || lpad(a.g::text, 6, '0')"
    clone_sql(
        cr,
        "account_move",
        "t",
        {
            "id": "a.move_id",
            "name": name,
            "date": "a.day",
            "ref": "'VOL/MO/' || a.g",
            "sequence_prefix": "'BFL/' || to_char(a.day, 'YYYY/MM/')",
            "sequence_number": "a.g",
            "amount_total": "a.finished + greatest(a.usage, 0) + greatest(a.production, 0)",
            "amount_total_signed": "a.finished + greatest(a.usage, 0) + greatest(a.production, 0)",
            "amount_total_in_currency_signed": (
                "a.finished + greatest(a.usage, 0) + greatest(a.production, 0)"
            ),
            "create_date": now,
            "write_date": now,
        },
        f"vol_amounts a JOIN account_move t ON t.id = {entry.id}",
    )
    line_common = {
        "id": "nextval('account_move_line_id_seq')",
        "move_id": "a.move_id",
        "date": "a.day",
        "move_name": name,
        "ref": "'VOL/MO/' || a.g",
        "debit": "greatest({b}, 0)",
        "credit": "greatest(-({b}), 0)",
        "balance": "{b}",
        "amount_currency": "{b}",
        "amount_residual": "0",
        "amount_residual_currency": "0",
        "create_date": now,
        "write_date": now,
    }

    def lines(kind, balance, source, **extra):
        overrides = {key: value.format(b=balance) for key, value in line_common.items()}
        overrides.update(extra)
        source = source.format(template=kinds[kind] if kind in kinds else labour_lines[kind])
        return clone_sql(cr, "account_move_line", "t", overrides, source)

    count = 0
    say("inserting journal items")
    count += lines(
        "finished",
        "a.finished",
        "vol_amounts a JOIN account_move_line t ON t.id = {template}",
        product_id="a.product_id",
        quantity="a.qty",
    )
    # One material line per component; the first takes the usage deviation.
    count += lines(
        "material",
        "-(round(a.qty * b.unit_price * b.per_unit, 2) + CASE WHEN b.seq = 0 THEN a.usage"
        " ELSE 0 END)",
        "vol_amounts a JOIN vol_bom b ON b.idx = a.idx"
        " JOIN account_move_line t ON t.id = {template}",
        product_id="b.component_id",
        quantity="a.qty * b.per_unit",
    )
    count += lines(
        "conversion",
        "-a.conversion",
        "vol_amounts a JOIN account_move_line t ON t.id = {template}",
        product_id="a.product_id",
        quantity="a.qty",
    )
    count += lines(
        "usage_variance",
        "a.usage",
        "vol_amounts a JOIN account_move_line t ON t.id = {template} WHERE a.usage <> 0",
    )
    # Material lines are each rounded: the production variance balances the entry.
    count += lines(
        "production_variance",
        "a.material + a.conversion - a.finished",
        "vol_amounts a JOIN account_move_line t ON t.id = {template} WHERE a.production <> 0",
    )
    say("inserting register records")
    clone_sql(
        cr,
        "mrp_backflush_posting",
        "t",
        {
            "id": "a.posting_id",
            "name": "'VOL/MO/' || a.g",
            "event_key": "'volume:' || a.g",
            "date": "a.day",
            "accounting_date": "a.day",
            "date_shifted": "false",
            "product_id": "a.product_id",
            "quantity": "a.qty",
            "material_standard": "a.material",
            "material_actual": "a.material + a.usage",
            "conversion_standard": "a.conversion",
            "usage_variance": "a.usage",
            "production_variance": "a.material + a.conversion - a.finished",
            "finished_value": "a.finished",
            "move_id": "a.move_id",
            "create_date": now,
            "write_date": now,
        },
        f"vol_amounts a JOIN mrp_backflush_posting t ON t.id = {posting.id}",
    )
    say("inserting actual conversion costs")
    labour_count = max(1, args.records // POSTINGS_PER_LABOUR_ENTRY)
    cr.execute(
        """
        CREATE TEMP TABLE vol_labour ON COMMIT DROP AS
        SELECT g, nextval('account_move_id_seq')::int AS move_id,
               %(first)s::date + floor(random() * %(days)s)::int AS day,
               round((%(mean)s * (0.8 + random() * 0.4))::numeric, 2) AS amount
          FROM generate_series(1, %(count)s) g
        """,
        {
            "first": first_day,
            "days": days,
            "count": labour_count,
            "mean": POSTINGS_PER_LABOUR_ENTRY * 5.5 * plant.CONVERSION_PER_UNIT,
        },
    )
    labour_name = "'VOLLAB/' || to_char(a.day, 'YYYY/MM/') || lpad(a.g::text, 6, '0')"
    clone_sql(
        cr,
        "account_move",
        "t",
        {
            "id": "a.move_id",
            "name": labour_name,
            "date": "a.day",
            "ref": "'labour ' || a.g",
            "sequence_prefix": "'VOLLAB/' || to_char(a.day, 'YYYY/MM/')",
            "sequence_number": "a.g",
            "amount_total": "a.amount",
            "amount_total_signed": "a.amount",
            "amount_total_in_currency_signed": "a.amount",
            "create_date": now,
            "write_date": now,
        },
        f"vol_labour a JOIN account_move t ON t.id = {labour.id}",
    )
    for kind, sign in (("control", ""), ("accrued", "-")):
        overrides = {key: value.format(b=f"{sign}a.amount") for key, value in line_common.items()}
        overrides["move_name"] = labour_name
        overrides["ref"] = "'labour ' || a.g"
        count += clone_sql(
            cr,
            "account_move_line",
            "t",
            overrides,
            f"vol_labour a JOIN account_move_line t ON t.id = {labour_lines[kind]}",
        )
    say("ANALYZE")
    for table in ("account_move", "account_move_line", "mrp_backflush_posting"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608
    return count, labour_count


def check_generated(env, plant, args):
    """The generated books: balanced, posted, tagged; warnings if not."""
    cr = env.cr
    warnings = []
    cr.execute(
        """
        SELECT COUNT(*) FROM (
            SELECT move.id FROM account_move move
              JOIN account_move_line line ON line.move_id = move.id
             WHERE move.journal_id = %s AND move.name LIKE 'BFL/%%'
             GROUP BY move.id HAVING SUM(line.balance) <> 0) unbalanced
        """,
        (plant.journal.id,),
    )
    unbalanced = cr.fetchone()[0]
    if unbalanced:
        warnings.append(f"{unbalanced} generated entries are not balanced")
    cr.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE p.state = 'posted' AND m.state = 'posted'"
        " AND m.journal_id = %s) FROM mrp_backflush_posting p JOIN account_move m"
        " ON m.id = p.move_id WHERE p.event_key LIKE 'volume:%%'",
        (plant.journal.id,),
    )
    total, good = cr.fetchone()
    if total != args.records + 1 or good != total:
        warnings.append(f"{total} register records, {good} posted in the backflush journal")
    cr.execute(
        "SELECT COUNT(*) FROM account_move_line line JOIN mrp_backflush_posting p"
        " ON p.move_id = line.move_id WHERE line.backflush_kind IS NULL"
    )
    untagged = cr.fetchone()[0]
    if untagged:
        warnings.append(f"{untagged} journal items of register entries have no backflush_kind")
    return warnings


# ---------------------------------------------------------------- the screens


def many2one():
    return {"fields": {"display_name": {}}}


REGISTER_LIST_SPEC = {
    "date": {},
    "accounting_date": {},
    "name": {},
    "kind": {},
    "trigger": {},
    "production_id": many2one(),
    "picking_id": many2one(),
    "product_id": many2one(),
    "quantity": {},
    "product_uom_id": many2one(),
    "material_standard": {},
    "material_actual": {},
    "conversion_standard": {},
    "usage_variance": {},
    "production_variance": {},
    "finished_value": {},
    "currency_id": {"fields": {}},
    "move_id": many2one(),
    "date_shifted": {},
    "state": {},
    "company_id": many2one(),
}

RECONCILIATION_SPEC = {
    "currency_id": {"fields": {}},
    "is_balanced": {},
    "status_message": {},
    "note": {},
    "company_id": many2one(),
    "date": {},
    "ledger_total": {},
    "component_total": {},
    "finished_total": {},
    "expected_total": {},
    "difference_total": {},
    "line_ids": {
        "fields": {
            "currency_id": {"fields": {}},
            "has_difference": {},
            "account_id": many2one(),
            "ledger_balance": {},
            "component_value": {},
            "finished_material": {},
            "expected_balance": {},
            "difference": {},
        }
    },
    "failed_posting_ids": {
        "fields": {
            "date": {},
            "name": {},
            "kind": {},
            "product_id": many2one(),
            "quantity": {},
            "failure_reason": {},
        }
    },
    "uncovered_layer_ids": {
        "fields": {
            "create_date": {},
            "reference": {},
            "product_id": many2one(),
            "quantity": {},
            "value": {},
        }
    },
}

CLOSE_SPEC = {
    "company_id": many2one(),
    "date_from": {},
    "date_to": {},
    "disposition": {},
    "target_account_id": many2one(),
    "control_account_ids": {"fields": {"display_name": {}}},
    "applied_account_ids": {"fields": {"display_name": {}}},
    "currency_id": {"fields": {}},
    "control_total": {},
    "applied_total": {},
    "difference": {},
    "earlier_difference": {},
    "preview_line_ids": {
        "fields": {
            "currency_id": {"fields": {}},
            "account_id": many2one(),
            "label": {},
            "debit": {},
            "credit": {},
        }
    },
}


def screens(env, plant, month_start, month_end):
    """{screen name: (what it does, a call returning a short result summary)}."""
    Posting = env["mrp.backflush.posting"]

    def register_list():
        result = Posting.web_search_read(
            [], REGISTER_LIST_SPEC, limit=80, order="date desc, id desc", count_limit=10001
        )
        return f"{len(result['records'])} rows of {result['length']}"

    def pivot():
        groups = Posting.read_group(
            [],
            ["finished_value:sum", "usage_variance:sum", "production_variance:sum"],
            ["product_id", "date:month"],
            lazy=False,
        )
        return f"{len(groups)} groups"

    def reconciliation():
        check = env["mrp.backflush.reconciliation"].create({})
        values = check.web_read(RECONCILIATION_SPEC)[0]
        return (
            f"{len(values['line_ids'])} RIP line(s), ledger {values['ledger_total']:.2f}, "
            f"{len(values['uncovered_layer_ids'])} uncovered, "
            f"{len(values['failed_posting_ids'])} failed"
        )

    def close_preview():
        wizard = env["mrp.backflush.conversion.close.wizard"].create(
            {
                "date_from": month_start,
                "date_to": month_end,
                "control_account_ids": [Command.set(plant.control.ids)],
            }
        )
        values = wizard.web_read(CLOSE_SPEC)[0]
        return (
            f"{len(values['preview_line_ids'])} preview lines, applied "
            f"{values['applied_total']:.2f}, actual {values['control_total']:.2f}"
        )

    return {
        "register list": (
            "web_search_read 80 rows, date desc, list view fields + count",
            register_list,
        ),
        "register pivot": (
            "read_group product_id x date:month, 3 measures",
            pivot,
        ),
        "reconciliation check": (
            "create mrp.backflush.reconciliation + read its form (line_ids, totals)",
            reconciliation,
        ),
        "close preview": (
            f"create close wizard {month_start}..{month_end} + read preview_line_ids, totals",
            close_preview,
        ),
    }


def time_screen(env, call, repeat):
    """[(seconds, queries)] of ``repeat`` runs with a cold ORM cache, and the last
    result. Wizards created by a run are kept (rolled back at the end)."""
    runs, result = [], None
    for _index in range(repeat):
        seconds, queries, result = timed(env, call)
        runs.append((seconds, queries))
    return runs, result


def as_accountant(root):
    """``root``'s cursor as a new accounting administrator of the company (in Community:
    Billing Administrator with the full accounting features, which the Backflush Costing
    menu needs)."""
    groups = ("account.group_account_manager", "account.group_account_user", "base.group_user")
    return as_new_user(root, "Volume accountant", "volume.accountant", groups, tz="UTC")


def main(argv=None):
    args = parse_args(argv)
    registry = open_registry(args)
    started = time.perf_counter()
    today = date.today()
    last_day = end_of(subtract(today, months=1), "month")
    first_day = start_of(subtract(last_day, months=args.months - 1), "month")
    month_start = start_of(last_day, "month")
    rows = []
    warnings = []
    with rolled_back(registry) as root:
        say(f"building {args.products} products of {args.components} components")
        plant = VolumePlant(root, args.products, args.components)
        generating = time.perf_counter()
        lines, labour = generate(root, plant, args, first_day, last_day)
        generated = time.perf_counter() - generating
        warnings += check_generated(root, plant, args)
        env = as_accountant(root)
        print(
            f"volume: {args.records} register records (+1 template) with their entries, "
            f"{lines} journal items, {labour} actual conversion cost entries, "
            f"{first_day} to {last_day}, {args.products} products x {args.components} "
            f"components; generated in {generated:.0f} s (rolled back at the end)"
        )
        print(
            f"screens timed as {env.user.name} (account manager), median of {args.repeat}, "
            f"cold ORM cache, against a {TARGET_SECONDS:.0f} s target"
        )
        for name, (what, call) in screens(env, plant, month_start, last_day).items():
            say(f"timing {name}")
            runs, result = time_screen(env, call, args.repeat)
            rows.append((name, what, runs, result))
    print()
    header = f"{'screen':<22}{'median ms':>10}{'runs ms':>24}{'queries':>9}  {'target':<7}"
    print(header)
    print("-" * len(header))
    misses = 0
    for name, _what, runs, _result in rows:
        seconds = statistics.median(run[0] for run in runs)
        miss = seconds > TARGET_SECONDS
        misses += miss
        runs_ms = "/".join(f"{run[0] * 1000:.0f}" for run in runs)
        queries = statistics.median(run[1] for run in runs)
        print(
            f"{name:<22}{seconds * 1000:>10.0f}{runs_ms:>24}{queries:>9.0f}  "
            f"{'MISSED' if miss else 'ok':<7}"
        )
    print()
    for name, what, _runs, result in rows:
        print(f"{name}: {what}; {result}")
    print()
    for warning in warnings:
        print(f"WARNING: {warning}")
    print(
        f"{misses} of {len(rows)} screens over the {TARGET_SECONDS:.0f} s target"
        if misses
        else f"every screen within the {TARGET_SECONDS:.0f} s target"
    )
    print(f"runtime: {time.perf_counter() - started:.0f} s (generation included; rolled back)")


if __name__ == "__main__":
    main()
