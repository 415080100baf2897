"""Concurrency benchmark: what operators see when many tablets close orders at once.

tools/stress (``tools/stress concurrency``, or ``tools/bench --concurrency``) has created
a fresh database and started odoo-bin with 4 workers on 127.0.0.1. This driver builds,
as admin over XML-RPC, two plants of the same finished product made of 5 components:
the floor (manual periodic valuation, no trigger: Odoo moves the stock and writes
valuation layers, no entries) and a backflushed one (trigger Completion). Then, for
each number of clients (2, 4, 8) and each repetition, it runs three phases in turn:
``floor``, ``once`` (backflush posting at once) and ``deferred`` (the company posts in
batches: the close records a Pending posting). In a phase, the clients (threads, each
with its own connections) take orders from one shared list and close each with one
``button_mark_done`` call, as a tablet does. Per phase it prints orders per second, the
ratio to the floor of the same client count, the calls that still failed after Odoo's
own serialization retries (what an operator sees as an error) and the conflicts the
server logged meanwhile. Medians over the repetitions. Asserts nothing about time.

    python tools/bench_concurrency.py run --url URL --db DB --master-pid PID
        --deadline EPOCH [--orders 40] [--clients 2,4,8] [--repeat 3]
"""

import re
import statistics
import sys
import threading
import time
from collections import Counter

import psycopg2
from stresslib.client import Client, Context, driver_parser, wait_for_server
from stresslib.plant import (
    category_accounts,
    confirmed_orders,
    ensure_company,
    find_plant_location,
    made_components,
    made_product,
    stock_components,
)
from stresslib.race import Tally
from stresslib.report import write_closing
from stresslib.serverlog import conflicts_within, log_time

COMPONENTS = 5
PHASES = ("floor", "once", "deferred")
WARMUP = 4  # orders of each phase closed before the measured rounds, unmeasured
SAMPLE_EVERY = 0.02  # seconds between two looks at pg_stat_activity
# Odoo's request line (odoo/http.py, Application.__call__ through werkzeug's logger) ends
# with the request's query count, SQL seconds and other (Python) seconds.
REQUEST_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .* werkzeug: .*\"POST /xmlrpc/2/object "
    r"HTTP/1\.[01]\" 200 - (\d+) ([0-9.]+) ([0-9.]+)"
)


def build_plant(admin, name, valuation, trigger, accounts):
    """A finished product of COMPONENTS components; returns its Plant."""
    components = made_components(
        admin, f"Concurrency {name}", valuation, f"CONC.{name}.RIP", COMPONENTS, 2.0
    )
    finished_values = {
        "name": f"Concurrency {name} finished",
        "property_cost_method": "standard",
        "property_valuation": valuation,
        **(accounts if trigger != "none" else {}),
    }
    finished_category = admin.call("product.category", "create", finished_values)
    if trigger != "none":
        admin.call(
            "product.category",
            "write",
            [finished_category],
            {"property_backflush_trigger": trigger},
        )
    return made_product(
        admin, f"Concurrency {name} finished", finished_category, components, 40.0, 5.0
    )


def set_up(ctx, admin, per_phase_kind):
    """Both plants, their components stocked, and their confirmed orders: ``per_phase_kind``
    for the floor, twice as many for the backflushed plant (at once and deferred):
    {"floor": [ids], "backflush": [ids]}."""
    fixes = []
    ensure_company(admin, fixes)
    accounts = category_accounts(admin)
    location = find_plant_location(admin)
    orders = {}
    for name, valuation, trigger in (
        ("floor", "manual_periodic", "none"),
        ("backflush", "real_time", "completion"),
    ):
        plant = build_plant(admin, name, valuation, trigger, accounts)
        plant.location = location
        stock_components(admin, plant)
        total = per_phase_kind * (1 if name == "floor" else 2)
        ids = []
        for start in range(0, total, 50):
            ids += confirmed_orders(admin, plant, [1] * min(50, total - start))
        orders[name] = ids
    return orders


def set_posting_mode(admin, mode):
    admin.call("res.company", "write", [admin.company_id()], {"backflush_posting_mode": mode})


class WaitSampler(threading.Thread):
    """Looks at the server's sessions in pg_stat_activity every SAMPLE_EVERY seconds while
    a phase runs: how many run a query, and what those that wait for a lock run. Where a
    session waits is where the time goes that no CPU profile shows."""

    QUERY = """
        SELECT wait_event_type, wait_event, regexp_replace(left(query, 90), '\\s+', ' ', 'g')
          FROM pg_stat_activity
         WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()
    """

    def __init__(self, ctx):
        super().__init__(daemon=True)
        self.ctx = ctx
        self.stop = threading.Event()
        self.samples = 0
        self.active = 0
        self.lock_waits = Counter()

    def run(self):
        # Autocommit and no "with conn": psycopg2 2.9 opens a transaction for that block,
        # and PostgreSQL keeps one snapshot of pg_stat_activity per transaction.
        conn = psycopg2.connect(self.ctx.conn.dsn)
        conn.autocommit = True
        with conn.cursor() as cr:
            while not self.stop.wait(SAMPLE_EVERY):
                cr.execute(self.QUERY, (self.ctx.db,))
                self.samples += 1
                for wait_type, wait_event, query in cr.fetchall():
                    self.active += 1
                    if wait_type == "Lock":
                        self.lock_waits[f"{wait_event}: {query}"] += 1
        conn.close()


def run_phase(ctx, orders, clients):
    """Close ``orders`` with ``clients`` concurrent clients; (seconds, Counter of kinds,
    Counter of messages, (start, end), WaitSampler)."""
    queue = list(orders)
    lock = threading.Lock()
    tally = Tally()
    barrier = threading.Barrier(clients + 1)

    def take():
        with lock:
            return queue.pop() if queue else None

    def body():
        client = Client(ctx)
        barrier.wait()
        while (order := take()) is not None and not ctx.expired():
            tally.attempt(
                lambda order=order: client.call("mrp.production", "button_mark_done", [order])
            )

    threads = [threading.Thread(target=body, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    sampler = WaitSampler(ctx)
    sampler.start()
    barrier.wait()
    started = time.time()
    for thread in threads:
        thread.join(max(0.0, ctx.remaining()))
    ended = time.time()
    sampler.stop.set()
    sampler.join()
    return ended - started, tally.kinds(), tally.messages, (started, ended), sampler


def request_times(path, windows):
    """Per (start, end) of ``windows``: [calls, queries, SQL seconds, other seconds] of the
    requests the server logged as answered within it."""
    totals = [[0, 0, 0.0, 0.0] for _window in windows]
    if not path:
        return totals
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = REQUEST_LINE.match(line)
            if not match:
                continue
            stamp = log_time(match[1])
            for total, (start, end) in zip(totals, windows, strict=True):
                if start <= stamp <= end:
                    total[0] += 1
                    total[1] += int(match[2])
                    total[2] += float(match[3])
                    total[3] += float(match[4])
    return totals


def check_done(ctx, orders):
    return ctx.sql(
        "SELECT count(*) FROM mrp_production WHERE id = ANY(%s) AND state <> 'done'",
        (list(orders),),
    )[0][0]


def phase_order(repetition, clients_index):
    """The phases of one round, rotated from round to round so that none always runs
    first (on a warm or a cold server) or right after another."""
    shift = (repetition + clients_index) % len(PHASES)
    return PHASES[shift:] + PHASES[:shift]


def warm_up(ctx, admin, sources):
    """Close WARMUP orders of each phase, unmeasured: every worker has loaded both plants'
    products, bills and accounts before the first measured phase."""
    for phase in PHASES:
        set_posting_mode(admin, "deferred" if phase == "deferred" else "immediate")
        run_phase(ctx, [next(sources[phase]) for _ in range(WARMUP)], 4)


def run(args):
    ctx = Context(args)
    admin = wait_for_server(ctx)
    client_counts = [int(n) for n in args.clients.split(",")]
    per_plant = args.orders * len(client_counts) * args.repeat + WARMUP
    print(f"concurrency: server up at {ctx.url}; confirming {3 * per_plant} orders", flush=True)
    orders = set_up(ctx, admin, per_plant)
    backflush_orders = iter(orders["backflush"])
    sources = {"floor": iter(orders["floor"]), "once": backflush_orders}
    sources["deferred"] = backflush_orders
    warm_up(ctx, admin, sources)
    results = []  # (clients, phase, repetition, orders/s, kinds, messages, window, sampler)
    for repetition in range(args.repeat):
        for clients_index, clients in enumerate(client_counts):
            for phase in phase_order(repetition, clients_index):
                batch = [next(sources[phase]) for _ in range(args.orders)]
                set_posting_mode(admin, "deferred" if phase == "deferred" else "immediate")
                seconds, kinds, messages, window, sampler = run_phase(ctx, batch, clients)
                left = check_done(ctx, batch)
                rate = (len(batch) - left) / seconds
                results.append((clients, phase, repetition, rate, kinds, messages, window, sampler))
                print(
                    f"concurrency: {phase:<8} {clients} clients (run {repetition + 1}): "
                    f"{rate:.2f} orders/s, {dict(kinds)}, {left} not done, "
                    f"{sampler.samples} activity samples",
                    flush=True,
                )
    set_posting_mode(admin, "immediate")
    windows = [result[6] for result in results]
    conflicts = conflicts_within(args.server_log, windows)
    print_table(args, client_counts, results, conflicts)
    print_where_time_went(client_counts, results, request_times(args.server_log, windows))
    closing = f"concurrency: {len(results)} phases measured\n{len(results)} passed, 0 failed\n"
    write_closing(args.summary, closing)
    return 0


def phase_cells(results, conflicts, clients, phase):
    """(median orders/s, failed calls, conflicts, {repetition: orders/s}) of one phase."""
    rows = [
        (result, conflict)
        for result, conflict in zip(results, conflicts, strict=True)
        if result[0] == clients and result[1] == phase
    ]
    rate = statistics.median(result[3] for result, _c in rows)
    failed = sum(
        sum(count for kind, count in result[4].items() if kind != "ok") for result, _c in rows
    )
    by_run = {result[2]: result[3] for result, _c in rows}
    return rate, failed, sum(conflict for _r, conflict in rows), by_run


def ratio_range(cells, floor):
    """min-max over the runs of the phase's orders/s over the floor's of the same run."""
    ratios = [rate / floor[3][run] for run, rate in cells[3].items()]
    return f"{min(ratios):.2f}-{max(ratios):.2f}"


def print_table(args, client_counts, results, conflicts):
    print()
    print(
        f"Concurrency ({args.orders} orders per phase, {args.repeat} runs, medians; "
        f"{COMPONENTS} components; 4 workers; one button_mark_done per order)"
    )
    header = (
        f"{'clients':>7}  {'floor o/s':>9} {'fail':>4} {'confl':>5}  "
        f"{'once o/s':>8} {'x floor':>7} {'range':>9} {'fail':>4} {'confl':>5}  "
        f"{'deferred o/s':>12} {'x floor':>7} {'range':>9} {'fail':>4} {'confl':>5}"
    )
    print(header)
    print("-" * len(header))
    for clients in client_counts:
        floor, once, deferred = (
            phase_cells(results, conflicts, clients, phase) for phase in PHASES
        )
        line = f"{clients:>7}  {floor[0]:>9.2f} {floor[1]:>4} {floor[2]:>5}  "
        for cells, width in ((once, 8), (deferred, 12)):
            line += (
                f"{cells[0]:>{width}.2f} {cells[0] / floor[0]:>7.2f} "
                f"{ratio_range(cells, floor):>9} {cells[1]:>4} {cells[2]:>5}  "
            )
        print(line.rstrip())
    print(
        "o/s: orders closed per second (median of the runs); x floor: ratio of the medians "
        "to the floor's at the same client count; range: the lowest and highest ratio of "
        "one run to the floor of the same run; fail: calls that still failed after Odoo's "
        "retries (all runs); confl: serialization failures, lock refusals and deadlocks the "
        "server logged during those phases (each one retried by Odoo)."
    )
    print("targets: deferred >= 0.95 x floor at every client count; once: fail <= floor's fail")
    messages = Counter()
    for result in results:
        messages.update(result[5])
    for message, count in messages.most_common(10):
        print(f"  {count}x {message}")


def print_where_time_went(client_counts, results, times):
    """Per phase and client count: the server's time per call (SQL, of which lock waits
    are a part, and Python), the sessions running a query on average (4 workers: 4 at
    most), and the queries most often waiting for a lock."""
    print()
    print("Where the time went (all runs; per button_mark_done as the server logged it)")
    header = (
        f"{'phase':<9}{'clients':>7}{'queries':>9}{'sql ms':>8}{'py ms':>8}"
        f"{'in query':>9}{'lock wait':>10}"
    )
    print(header)
    print("-" * len(header))
    waits = {phase: Counter() for phase in PHASES}
    for clients in client_counts:
        for phase in PHASES:
            chosen = [
                (result, total)
                for result, total in zip(results, times, strict=True)
                if result[0] == clients and result[1] == phase
            ]
            calls = sum(total[0] for _r, total in chosen) or 1
            samples = sum(result[7].samples for result, _t in chosen) or 1
            active = sum(result[7].active for result, _t in chosen)
            waiting = sum(sum(result[7].lock_waits.values()) for result, _t in chosen)
            for result, _t in chosen:
                waits[phase].update(result[7].lock_waits)
            print(
                f"{phase:<9}{clients:>7}"
                f"{sum(t[1] for _r, t in chosen) / calls:>9.0f}"
                f"{1000 * sum(t[2] for _r, t in chosen) / calls:>8.0f}"
                f"{1000 * sum(t[3] for _r, t in chosen) / calls:>8.0f}"
                f"{active / samples:>9.2f}{waiting / samples:>10.2f}"
            )
    print(
        "in query: sessions running a query, on average over the samples; lock wait: of "
        "those, waiting for a lock (pg_stat_activity every "
        f"{SAMPLE_EVERY * 1000:.0f} ms)"
    )
    for phase in PHASES:
        total = sum(waits[phase].values())
        if not total:
            continue
        print(f"  {phase}: the queries waiting for a lock, by share of the lock-wait samples")
        for query, count in waits[phase].most_common(5):
            print(f"    {100 * count / total:5.1f}%  {query}")


def parse_args():
    parser, _commands, run_parser = driver_parser(__doc__, "run the phases against a server")
    run_parser.add_argument("--orders", type=int, default=40, help="orders per phase")
    run_parser.add_argument("--clients", default="2,4,8", help="client counts, comma list")
    run_parser.add_argument("--repeat", type=int, default=3, help="runs of every phase")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(run(parse_args()))
