"""The stress tier's run: the plant and every scenario's orders set up, the scenarios
in turn within the time left, the whole-database checks, the table and the closing
lines."""

import itertools
import time

from .client import Context, classify, wait_for_server
from .invariants import check_invariants
from .plant import confirmed_orders, prepare_plant
from .race import Row
from .report import attribute, passed, report, write_closing
from .scenarios import SCENARIOS
from .serverlog import conflicts_within


def run(args):
    ctx = Context(args)
    admin = wait_for_server(ctx)
    print(f"stress: server up at {ctx.url}, database {ctx.db}; setting up orders", flush=True)
    rows, fixes, orders = [], [], iter(())
    try:
        fixes = prepare_plant(ctx, admin)
        sizes = [size for scenario in SCENARIOS for size in scenario[2]]
        orders = iter(confirmed_orders(admin, ctx.plant, sizes))
    except Exception as error:  # reported as the reason no scenario ran
        setup_failure = f"setup failed: {classify(error)[1]}"
    else:
        setup_failure = None
    for number, title, order_sizes, function, arguments, needs in SCENARIOS:
        row = Row(number, title, orders=list(itertools.islice(orders, len(order_sizes))))
        rows.append(row)
        if setup_failure:
            row.problems.append(setup_failure)
        elif ctx.remaining() < needs:
            row.problems.append(f"not started: less than {needs}s left of the time limit")
            continue
        started = time.time()
        try:
            function(ctx, row, *arguments)
        except Exception as error:  # the scenario fails, the others run
            row.problems.append(f"{type(error).__name__}: {error}"[:300])
        row.window = (started, time.time())
        print(f"stress: scenario {number} done in {time.time() - started:.1f}s", flush=True)
    conflicts = conflicts_within(args.server_log, [row.window for row in rows])
    for row, count in zip(rows, conflicts, strict=True):
        row.conflicts = count
    invariants = check_invariants(ctx)
    outside = attribute(rows, invariants)
    report(rows, invariants, outside, fixes)
    violations = sum(len(row.violations) for row in rows) + len(outside)
    failed = sum(not passed(row) for row in rows) + bool(outside)
    closing = (
        f"stress: {len(rows)} scenarios, {violations} violations\n"
        f"{len(rows) - sum(not passed(row) for row in rows)} passed, {failed} failed\n"
    )
    write_closing(args.summary, closing)
    return 1 if failed or violations else 0
