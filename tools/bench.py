"""Close manufacturing orders and deliver finished units under Odoo's valuation, under
manual valuation and under backflush, interleaved, and compare.

Runs inside a real Odoo 18 database where mrp_backflush is installed, in one
transaction that is rolled back at the end (the database is left as it was).

For each number of components C (``--components``, a comma list) it builds one plant
per scenario, the same finished product made of C components in each:

- ``floor``: manual periodic valuation, standard cost, no trigger: Odoo moves the stock
  and writes valuation layers, and posts nothing (what no accounting at all costs);
- ``none``: Odoo's automated valuation (real time), trigger None;
- ``completion``: backflush, trigger Completion;
- ``shipment``: backflush, trigger Shipment (deliveries only: its finished units are
  put in stock by an inventory adjustment, which is not measured);
- ``deferred`` and ``deferred_ship``: the same as ``completion`` and ``shipment`` with
  the company's Backflush Posting set to "In batches": the close (the delivery) records
  a Pending posting; the batch posting of those by the scheduled action's code is
  measured apart (``batch`` lines), as a worker does it after the shop floor's request.

Untimed, it stocks the components, confirms the orders and confirms and reserves the
deliveries (one picking of one finished product per order). Then, round robin (one
order of each scenario in turn, so that machine noise hits all alike), it marks orders
done and validates deliveries and measures wall time, SQL queries (the cursor's
``sql_log_count``) and journal entries:

- mode ``one``: each order marked done on its own (``button_mark_done`` per order, as a
  shop floor does), each picking validated on its own;
- mode ``mass``: one ``button_mark_done`` on the N orders (a mass close), one
  ``button_validate`` on the N pickings; reported per order (total / N).

The ORM cache is emptied before each measured call, as each request starts cold.
Prints ratios and warns when an order or picking is not done or a scenario did not
post what it should; asserts nothing about time.

    python tools/bench.py -c ODOO_CONF -d DATABASE [--orders 20] [--components 5,30,100]
        [--modes one,mass] [--warmup 3]
"""

import linecache
import os
import sys
import time
import traceback
from dataclasses import dataclass, field

from benchplant import (
    OrderPlant,
    argument_parser,
    backflush_journal,
    open_registry,
    rolled_back,
    say,
    timed,
)

MODES = ("one", "mass")
MODE_TITLES = {
    "one": "each order marked done on its own (shop floor)",
    "mass": "one button_mark_done on all orders (mass close), per order",
}
# (scenario, operation): what is measured, in the order of the round robin.
TASKS = (
    ("floor", "close"),
    ("none", "close"),
    ("completion", "close"),
    ("deferred", "close"),
    ("floor", "deliver"),
    ("none", "deliver"),
    ("shipment", "deliver"),
    ("deferred_ship", "deliver"),
)
PLANTS = ("floor", "none", "completion", "shipment", "deferred", "deferred_ship")
# The category trigger of each plant; the deferred ones differ by the company setting.
PLANT_TRIGGERS = {
    "floor": "none",
    "none": "none",
    "completion": "completion",
    "shipment": "shipment",
    "deferred": "completion",
    "deferred_ship": "shipment",
}
DEFERRED = ("deferred", "deferred_ship")


def comma_list(text, convert=str):
    return [convert(item.strip()) for item in text.split(",") if item.strip()]


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--orders",
        type=int,
        default=20,
        help="orders closed (and pickings delivered) per scenario, mode and C (default 20: "
        "the default run takes ~30 min on 2 cores, 50 would take over an hour)",
    )
    parser.add_argument(
        "--components",
        default="5,30,100",
        help="components per order, a comma list swept in turn (default 5,30,100)",
    )
    parser.add_argument(
        "--modes", default="one,mass", help="comma list of one, mass (default one,mass)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=3,
        help="orders closed and pickings delivered per scenario before measuring (default 3)",
    )
    parser.add_argument(
        "--own-queries",
        action="store_true",
        help="instead: count, for one order closed one by one under completion and deferred "
        "at each C, the queries of the module's own code (those whose innermost "
        "mrp_backflush frame is not a super() call) apart from Odoo's",
    )
    args = parser.parse_args(argv)
    try:
        args.components = comma_list(args.components, int)
    except ValueError:
        parser.error(f"--components: a comma list of integers, not {args.components!r}")
    args.modes = comma_list(args.modes)
    unknown = set(args.modes) - set(MODES)
    if unknown:
        parser.error(f"--modes: unknown {', '.join(sorted(unknown))} (choose among one, mass)")
    if args.orders < 1 or not args.components or min(args.components) < 1 or not args.modes:
        parser.error("--orders, --components and --modes need at least 1")
    return args


def scenario_plant(env, scenario, components, serial):
    """The plant of ``scenario`` for C components; ``serial`` keeps its account codes
    apart from other runs' (one serial per C)."""
    return OrderPlant(
        env,
        scenario,
        components,
        tag=f"BENCH{serial}.{PLANTS.index(scenario)}{scenario.upper()[:4]}",
        valuation="manual_periodic" if scenario == "floor" else "real_time",
        trigger=PLANT_TRIGGERS[scenario],
    )


@dataclass
class Measure:
    """What the measured calls of one task (scenario, operation) made, summed."""

    seconds: float = 0.0
    queries: int = 0
    entries: int = 0
    bfl_entries: int = 0
    postings: list = field(default_factory=list)  # (kind, state) of each new posting
    calls: int = 0


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.warnings = []
        self.serial = 0
        self.journal = backflush_journal(env)
        self.partner = env["res.partner"].create({"name": "Bench customer"})

    # ------------------------------------------------------------ one measured call

    def _high_water(self):
        cr = self.env.cr
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
        move = cr.fetchone()[0]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM mrp_backflush_posting")
        return move, cr.fetchone()[0]

    def measure(self, measure, call):
        """Run ``call`` (flushed) with a cold ORM cache; add its cost to ``measure``."""
        cr = self.env.cr
        self.env.flush_all()
        last_move, last_posting = self._high_water()
        seconds, queries, _result = timed(self.env, call)
        measure.seconds += seconds
        measure.queries += queries
        measure.calls += 1
        cr.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE journal_id = %s) "
            "FROM account_move WHERE id > %s",
            (self.journal.id, last_move),
        )
        entries, bfl_entries = cr.fetchone()
        measure.entries += entries
        measure.bfl_entries += bfl_entries
        cr.execute(
            "SELECT kind, state FROM mrp_backflush_posting WHERE id > %s ORDER BY id",
            (last_posting,),
        )
        measure.postings += cr.fetchall()

    # ------------------------------------------------------------ one C

    def run_components(self, components):
        args, env = self.args, self.env
        n, warmup = args.orders, args.warmup
        per_mode = dict.fromkeys(args.modes, n)
        total = warmup + sum(per_mode.values())
        self.serial += 1
        say(f"C={components}: building the plants, stocking, confirming {total} orders each")
        plants = {name: scenario_plant(env, name, components, self.serial) for name in PLANTS}
        for name in ("floor", "none", "completion", "deferred"):
            plants[name].stock_components(2.0 * total + 2.0)
        for name in ("floor", "none", "shipment", "deferred_ship"):
            plants[name].stock_finished(2.0 * total + 2.0)
        self.post_pending()  # the stock counts of deferred_ship, when deferred
        work = {}  # (scenario, operation) -> {"warmup"|mode: records}
        for scenario, operation in TASKS:
            plant = plants[scenario]
            make = (
                plant.confirmed_orders
                if operation == "close"
                else (lambda count, plant=plant: plant.ready_deliveries(count, self.partner))
            )
            records = make(total)
            split, start = {"warmup": records[:warmup]}, warmup
            for mode in args.modes:
                split[mode] = records[start : start + n]
                start += n
            work[(scenario, operation)] = split
        self._check_ready(work, components)
        env.flush_all()

        say(f"C={components}: warming up ({warmup} per scenario)")
        scratch = {task: Measure() for task in TASKS}
        for index in range(warmup):
            for task in TASKS:
                self.measure(scratch[task], self._action(task, work[task]["warmup"][index]))
        self.post_pending()

        results = {}
        for mode in args.modes:
            say(f"C={components}: measuring mode {mode}")
            measures = {task: Measure() for task in TASKS}
            if mode == "one":
                for index in range(n):
                    for task in TASKS:
                        self.measure(measures[task], self._action(task, work[task][mode][index]))
            else:
                for task in TASKS:
                    self.measure(measures[task], self._action(task, work[task][mode]))
            for task in TASKS:
                self._check(components, mode, task, work[task][mode], measures[task])
            for scenario in DEFERRED:
                task = (scenario, "batch")
                measures[task] = Measure()
                self.measure(measures[task], lambda scenario=scenario: self.post_pending(scenario))
                self._check(
                    components,
                    mode,
                    task,
                    work[(scenario, "close")][mode]
                    if scenario == "deferred"
                    else work[(scenario, "deliver")][mode],
                    measures[task],
                )
            results[mode] = measures
        return results

    def _action(self, task, records):
        scenario, operation = task
        call = records.button_mark_done if operation == "close" else records.button_validate
        if scenario not in DEFERRED:
            return call
        company = self.env.company

        def deferred_call():
            company.backflush_posting_mode = "deferred"
            try:
                call()
            finally:
                company.backflush_posting_mode = "immediate"

        return deferred_call

    def post_pending(self, scenario=None):
        """Post the Pending postings (of ``scenario``'s kind: completions for deferred,
        the others for deferred_ship; all by default) as the scheduled action does
        (without its commit per batch: the benchmark's transaction is rolled back)."""
        Posting = self.env["mrp.backflush.posting"]
        domain = [("state", "=", "pending")]
        if scenario:
            domain.append(("kind", "=" if scenario == "deferred" else "!=", "completion"))
        pending = Posting.search(domain, order="id")
        return self.env["mrp.backflush.queue"]._retry(pending)

    # ------------------------------------------------------------ checks

    def warn(self, message):
        self.warnings.append(message)
        print(f"WARNING: {message}", flush=True)

    def _check_ready(self, work, components):
        for (scenario, operation), split in work.items():
            records = split["warmup"].concat(*(split[mode] for mode in self.args.modes))
            wanted = ("confirmed", "progress") if operation == "close" else ("assigned",)
            off = records.filtered(lambda record, wanted=wanted: record.state not in wanted)
            if off:
                self.warn(
                    f"C={components} {scenario} {operation}: {len(off)} of {len(records)} "
                    f"not ready before measuring (states {sorted(set(off.mapped('state')))})"
                )

    def _check(self, components, mode, task, records, measure):
        scenario, operation = task
        where = f"C={components} mode {mode} {scenario} {operation}"
        records.invalidate_recordset(["state"])
        not_done = records.filtered(lambda record: record.state != "done")
        if not_done:
            self.warn(
                f"{where}: {len(not_done)} of {len(records)} not done "
                f"({', '.join(not_done[:5].mapped('name'))})"
            )
        count = len(records)
        kinds = [kind for kind, _state in measure.postings]
        wanted_state = "pending" if scenario in DEFERRED and operation != "batch" else "posted"
        not_posted = [state for _kind, state in measure.postings if state != wanted_state]
        if not_posted:
            self.warn(
                f"{where}: {len(not_posted)} postings not {wanted_state} (states {set(not_posted)})"
            )
        if operation == "batch":  # the postings exist already: their entries are new
            bfl = count if scenario == "deferred" else 0
            if measure.entries != count or measure.bfl_entries != bfl:
                self.warn(f"{where}: {measure.entries} journal entries for {count} pending")
            kind = ("kind", "=" if scenario == "deferred" else "!=", "completion")
            left = self.env["mrp.backflush.posting"].search_count([("state", "=", "pending"), kind])
            if left:
                self.warn(f"{where}: {left} postings left not posted")
            return
        if scenario in DEFERRED:
            expected_entries, expected_bfl = 0, 0
            kind = "completion" if operation == "close" else "shipment"
            expected_postings = {kind: count}
        elif scenario == "floor":
            expected_entries, expected_bfl, expected_postings = 0, 0, {}
        elif scenario == "none" and operation == "close":
            # one per component move, one for the finished product
            expected_entries, expected_bfl, expected_postings = count * (components + 1), 0, {}
        elif scenario == "none":
            expected_entries, expected_bfl, expected_postings = count, 0, {}
        elif scenario == "completion":
            expected_entries, expected_bfl = count, count
            expected_postings = {"completion": count}
        else:  # shipment: Odoo's delivery entry, credit side replaced
            expected_entries, expected_bfl, expected_postings = count, 0, {"shipment": count}
        got_postings = {kind: kinds.count(kind) for kind in set(kinds)}
        if measure.entries != expected_entries or measure.bfl_entries != expected_bfl:
            self.warn(
                f"{where}: {measure.entries} journal entries ({measure.bfl_entries} in the "
                f"backflush journal) for {count}, expected {expected_entries} "
                f"({expected_bfl} in the backflush journal)"
            )
        if got_postings != expected_postings:
            self.warn(
                f"{where}: register postings {got_postings or 'none'} for {count}, expected "
                f"{expected_postings or 'none'}"
            )


# ---------------------------------------------------------------- report


def per(measure, count):
    return (
        measure.entries / count,
        measure.queries / count,
        1000.0 * measure.seconds / count,
    )


def ratio(numerator, denominator):
    return f"{numerator / denominator:.2f}" if denominator else "n/a"


ROWS = (*TASKS, ("deferred", "batch"), ("deferred_ship", "batch"))


def print_table(args, components, mode, measures):
    n = args.orders
    print()
    print(f"C={components} components, mode {mode}: {MODE_TITLES[mode]}; {n} per scenario")
    header = (
        f"{'scenario':<14}{'operation':<10}{'entries/order':>14}{'queries/order':>15}"
        f"{'extra q vs floor':>18}{'ms/order':>11}{'ms vs floor':>13}"
    )
    print(header)
    print("-" * len(header))
    floors = {op: measures[("floor", op)] for op in ("close", "deliver")}
    for task in ROWS:
        scenario, operation = task
        entries, queries, ms = per(measures[task], n)
        if operation == "batch":  # posted apart, after the shop floor: no floor to compare
            print(
                f"{scenario:<14}{operation:<10}{entries:>14.2f}{queries:>15.1f}"
                f"{'':>18}{ms:>11.1f}{'':>13}"
            )
            continue
        _fe, floor_queries, floor_ms = per(floors[operation], n)
        print(
            f"{scenario:<14}{operation:<10}{entries:>14.2f}{queries:>15.1f}"
            f"{queries - floor_queries:>+18.1f}{ms:>11.1f}{ms - floor_ms:>+13.1f}"
        )
    seconds = {task: measure.seconds for task, measure in measures.items()}
    queries = {task: measure.queries for task, measure in measures.items()}
    for name, values in (("time", seconds), ("query", queries)):
        print(
            f"{name} ratios: completion/floor "
            f"{ratio(values['completion', 'close'], values['floor', 'close'])}, "
            f"deferred/floor {ratio(values['deferred', 'close'], values['floor', 'close'])}, "
            f"completion/none {ratio(values['completion', 'close'], values['none', 'close'])}; "
            f"deliveries: shipment/none "
            f"{ratio(values['shipment', 'deliver'], values['none', 'deliver'])}, "
            f"deferred_ship/none "
            f"{ratio(values['deferred_ship', 'deliver'], values['none', 'deliver'])}"
        )
    sys.stdout.flush()


def print_summary(args, results):
    n = args.orders
    print()
    print(
        f"Summary ({n} orders per scenario; ms per order; 'q' = the module's extra queries "
        "per order over the floor (deliveries: over none); batch = posting the pending "
        "ones afterwards, ms per order)"
    )
    header = (
        f"{'C':>5} {'mode':<5}{'floor':>7}{'compl':>7}{'c/floor':>8}{'q':>6}"
        f"{'defer':>7}{'d/floor':>8}{'q':>6}{'batch':>7}{'c/none':>7}"
        f"{'none-out':>9}{'ship':>7}{'s/none':>7}{'dship':>7}{'ds/none':>8}{'batch':>7}"
    )
    print(header)
    print("-" * len(header))
    for components, by_mode in results.items():
        for mode, measures in by_mode.items():
            figure = {task: per(measure, n) for task, measure in measures.items()}
            _e, floor_q, floor_ms = figure["floor", "close"]
            _e, _none_q, none_ms = figure["none", "close"]
            _e, completion_q, completion_ms = figure["completion", "close"]
            _e, deferred_q, deferred_ms = figure["deferred", "close"]
            _e, _q, batch_ms = figure["deferred", "batch"]
            _e, _q, ship_ms = figure["shipment", "deliver"]
            _e, _q, none_out_ms = figure["none", "deliver"]
            _e, _q, dship_ms = figure["deferred_ship", "deliver"]
            _e, _q, ship_batch_ms = figure["deferred_ship", "batch"]
            print(
                f"{components:>5} {mode:<5}{floor_ms:>7.1f}{completion_ms:>7.1f}"
                f"{ratio(completion_ms, floor_ms):>8}{completion_q - floor_q:>+6.0f}"
                f"{deferred_ms:>7.1f}{ratio(deferred_ms, floor_ms):>8}"
                f"{deferred_q - floor_q:>+6.0f}{batch_ms:>7.1f}"
                f"{ratio(completion_ms, none_ms):>7}"
                f"{none_out_ms:>9.1f}{ship_ms:>7.1f}{ratio(ship_ms, none_out_ms):>7}"
                f"{dship_ms:>7.1f}{ratio(dship_ms, none_out_ms):>8}{ship_batch_ms:>7.1f}"
            )
    print(
        "targets: c/floor or d/floor <= 1.10 at every C and mode; q <= 20 and the same at "
        "every C; s/none or ds/none <= 0.6"
    )


def own_queries(env, components, serial):
    """{scenario: (module queries, Odoo queries)} of closing one order of C components
    under completion and deferred (after 2 warm-up closes), by the innermost
    mrp_backflush frame of each query's stack: the module's own code, unless that frame
    is a super() call (Odoo's code, e.g. the stock moves, or the journal entry it
    creates). Profiling aid: it replaces the cursor's execute while it counts."""
    cursor_class = type(env.cr)
    real_execute = cursor_class.execute
    counts = {}

    def counting_execute(cursor, *args, **kwargs):
        frames = [
            frame
            for frame in traceback.extract_stack(limit=400)
            if f"{os.sep}mrp_backflush{os.sep}" in frame.filename
            and f"{os.sep}tools{os.sep}" not in frame.filename
        ]
        line = frames and linecache.getline(frames[-1].filename, frames[-1].lineno)
        counts["module" if frames and "super(" not in line else "odoo"] += 1
        return real_execute(cursor, *args, **kwargs)

    result = {}
    for scenario in ("completion", "deferred"):
        plant = scenario_plant(env, scenario, components, serial)
        plant.stock_components(20.0)
        orders = plant.confirmed_orders(3)
        env.company.backflush_posting_mode = "deferred" if scenario == "deferred" else "immediate"
        try:
            for order in orders[:2]:
                order.button_mark_done()
            env.flush_all()
            env.invalidate_all()
            counts.update(module=0, odoo=0)
            cursor_class.execute = counting_execute
            try:
                orders[2].button_mark_done()
                env.flush_all()
            finally:
                cursor_class.execute = real_execute
            expected = "pending" if scenario == "deferred" else "posted"
            states = orders.backflush_posting_ids.mapped("state")
            if states != [expected] * len(orders):
                # A queued (Failed) posting would be counted as if it were the posting path.
                raise SystemExit(f"own queries: {scenario} postings are {states}, not {expected}")
        finally:
            env.company.backflush_posting_mode = "immediate"
        result[scenario] = (counts["module"], counts["odoo"])
    return result


def main_own_queries(args, env):
    print(
        "queries of one close, one by one: the module's own code / Odoo's (stock moves, "
        "layers, and at once the journal entry Odoo creates and posts)"
    )
    print(f"{'C':>5}{'completion own':>16}{'odoo':>7}{'deferred own':>14}{'odoo':>7}")
    for serial, components in enumerate(args.components, start=50):
        found = own_queries(env, components, serial)
        (c_own, c_odoo), (d_own, d_odoo) = found["completion"], found["deferred"]
        print(f"{components:>5}{c_own:>16}{c_odoo:>7}{d_own:>14}{d_odoo:>7}", flush=True)


def with_automatic_valuation(env):
    """``env``, its user allowed automated valuation (the ``none`` scenario's)."""
    env.user.groups_id |= env.ref("stock_account.group_stock_accounting_automatic")
    return env


def main(argv=None):
    args = parse_args(argv)
    registry = open_registry(args)
    if args.own_queries:
        with rolled_back(registry) as env:
            main_own_queries(args, with_automatic_valuation(env))
        return
    started = time.perf_counter()
    results = {}
    with rolled_back(registry) as env:
        bench = Bench(with_automatic_valuation(env), args)
        print(
            f"bench: {args.orders} orders per scenario and mode, components "
            f"{','.join(map(str, args.components))}, modes {','.join(args.modes)}, "
            f"warmup {args.warmup}; round robin over "
            f"{', '.join(f'{s} {o}' for s, o in TASKS)}",
            flush=True,
        )
        for components in args.components:
            results[components] = bench.run_components(components)
            for mode, measures in results[components].items():
                print_table(args, components, mode, measures)
    print_summary(args, results)
    print()
    if bench.warnings:
        print(f"{len(bench.warnings)} WARNINGS (see above): a scenario did not do what it should")
    else:
        print("checks: every order and picking done; each scenario posted what it should")
    print(f"runtime: {time.perf_counter() - started:.0f} s (setup included; rolled back)")


if __name__ == "__main__":
    main()
