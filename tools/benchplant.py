"""What the in-process benchmarks (bench.py, bench_volume.py, bench_standard_update.py)
share: their command line's database arguments, the one transaction they measure in
(rolled back at the end, so the database is left as it was), the users they measure as,
how one call is timed with a cold ORM cache, and the copying by SQL of rows the ORM made
(volume without the ORM's cost).

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


def company_user(env, name, login, groups, **values):
    """A user of the company with the ``groups`` (XML ids), its login made unique."""
    group_records = env["res.groups"].concat(*(env.ref(group) for group in groups))
    return env["res.users"].create(
        {
            "name": name,
            "login": f"{login}.{int(time.time())}",
            "company_id": env.company.id,
            "company_ids": [Command.set(env.company.ids)],
            "groups_id": [Command.set(group_records.ids)],
            **values,
        }
    )


def user_env(root, user):
    """``root``'s cursor as ``user`` (record rules apply), in UTC, in root's company."""
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
