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
        --deadline EPOCH [--orders 40] [--clients 2,4,8] [--repeat 2]
"""

import argparse
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stress  # noqa: E402  (tools/stress.py, beside this file)

COMPONENTS = 5
PHASES = ("floor", "once", "deferred")


def build_plant(admin, name, valuation, trigger, accounts):
    """A finished product of COMPONENTS components; returns (product, bom, components)."""
    rip = stress.account(admin, f"CONC.{name}.RIP", "asset_current")
    components_category = admin.call(
        "product.category",
        "create",
        {
            "name": f"Concurrency {name} components",
            "property_cost_method": "standard",
            "property_valuation": valuation,
            "property_stock_valuation_account_id": rip,
        },
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
    components = admin.call(
        "product.product",
        "create",
        [
            {
                "name": f"Concurrency {name} component {index}",
                "is_storable": True,
                "categ_id": components_category,
                "standard_price": 2.0 + index,
            }
            for index in range(COMPONENTS)
        ],
    )
    return stress.made_product(
        admin, f"Concurrency {name} finished", finished_category, components, 40.0, 5.0
    )


def set_up(ctx, admin, per_phase_kind):
    """Both plants, their components stocked, and their confirmed orders: ``per_phase_kind``
    for the floor, twice as many for the backflushed plant (at once and deferred):
    {"floor": [ids], "backflush": [ids]}."""
    fixes = []
    stress.ensure_company(admin, fixes)
    accounts = stress.category_accounts(admin)
    location = stress.find_plant_location(admin)
    orders = {}
    for name, valuation, trigger in (
        ("floor", "manual_periodic", "none"),
        ("backflush", "real_time", "completion"),
    ):
        plant = build_plant(admin, name, valuation, trigger, accounts)
        plant.location = location
        stress.stock_components(admin, plant)
        total = per_phase_kind * (1 if name == "floor" else 2)
        ids = []
        for start in range(0, total, 50):
            ids += stress.confirmed_orders(admin, plant, [1] * min(50, total - start))
        orders[name] = ids
    return orders


def set_posting_mode(admin, mode):
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    admin.call("res.company", "write", [company], {"backflush_posting_mode": mode})


def run_phase(ctx, orders, clients):
    """Close ``orders`` with ``clients`` concurrent clients; (seconds, Counter of kinds,
    Counter of messages, (start, end))."""
    queue = list(orders)
    lock = threading.Lock()
    kinds, messages = Counter(), Counter()
    barrier = threading.Barrier(clients + 1)

    def take():
        with lock:
            return queue.pop() if queue else None

    def body():
        client = stress.Client(ctx)
        barrier.wait()
        while (order := take()) is not None and not ctx.expired():
            try:
                client.call("mrp.production", "button_mark_done", [order])
            except Exception as error:  # every outcome is counted
                kind, message = stress.classify(error)
            else:
                kind, message = "ok", None
            with lock:
                kinds[kind] += 1
                if message:
                    messages[f"{kind}: {message}"] += 1

    threads = [threading.Thread(target=body, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.time()
    for thread in threads:
        thread.join(max(0.0, ctx.remaining()))
    ended = time.time()
    return ended - started, kinds, messages, (started, ended)


def count_conflicts(path, windows):
    """Conflicts the server logged within each (start, end) of ``windows``."""
    counts = [0] * len(windows)
    rows = [stress.Row(index, "") for index in range(len(windows))]
    for row, window in zip(rows, windows, strict=True):
        row.window = window
    if path:
        stress.count_conflicts(path, rows)
        counts = [row.conflicts for row in rows]
    return counts


def check_done(ctx, orders):
    return ctx.sql(
        "SELECT count(*) FROM mrp_production WHERE id = ANY(%s) AND state <> 'done'",
        (list(orders),),
    )[0][0]


def run(args):
    ctx = stress.Context(args)
    admin = stress.wait_for_server(ctx)
    client_counts = [int(n) for n in args.clients.split(",")]
    per_plant = args.orders * len(client_counts) * args.repeat
    print(f"concurrency: server up at {ctx.url}; confirming {3 * per_plant} orders", flush=True)
    orders = set_up(ctx, admin, per_plant)
    floor_orders, backflush_orders = iter(orders["floor"]), iter(orders["backflush"])
    results = []  # (clients, phase, repetition, orders/s, kinds, messages, window)
    for repetition in range(args.repeat):
        for clients in client_counts:
            for phase in PHASES:
                source = floor_orders if phase == "floor" else backflush_orders
                batch = [next(source) for _ in range(args.orders)]
                set_posting_mode(admin, "deferred" if phase == "deferred" else "immediate")
                seconds, kinds, messages, window = run_phase(ctx, batch, clients)
                left = check_done(ctx, batch)
                results.append(
                    (
                        clients,
                        phase,
                        repetition,
                        (len(batch) - left) / seconds,
                        kinds,
                        messages,
                        window,
                    )
                )
                print(
                    f"concurrency: {phase:<8} {clients} clients (run {repetition + 1}): "
                    f"{(len(batch) - left) / seconds:.2f} orders/s, {dict(kinds)}, "
                    f"{left} not done",
                    flush=True,
                )
    set_posting_mode(admin, "immediate")
    conflicts = count_conflicts(args.server_log, [result[6] for result in results])
    print_table(args, client_counts, results, conflicts)
    closing = f"concurrency: {len(results)} phases measured\n{len(results)} passed, 0 failed\n"
    if args.summary:
        Path(args.summary).write_text(closing, encoding="utf-8")
    else:
        print(closing, end="")
    return 0


def print_table(args, client_counts, results, conflicts):
    print()
    print(
        f"Concurrency ({args.orders} orders per phase, {args.repeat} runs, medians; "
        f"{COMPONENTS} components; 4 workers; one button_mark_done per order)"
    )
    header = (
        f"{'clients':>7}  {'floor o/s':>9} {'fail':>4} {'confl':>5}  "
        f"{'once o/s':>8} {'x floor':>7} {'fail':>4} {'confl':>5}  "
        f"{'deferred o/s':>12} {'x floor':>7} {'fail':>4} {'confl':>5}"
    )
    print(header)
    print("-" * len(header))
    for clients in client_counts:
        cells = {}
        for phase in PHASES:
            rows = [
                (result, conflict)
                for result, conflict in zip(results, conflicts, strict=True)
                if result[0] == clients and result[1] == phase
            ]
            rate = statistics.median(result[3] for result, _c in rows)
            failed = sum(
                sum(count for kind, count in result[4].items() if kind != "ok")
                for result, _c in rows
            )
            cells[phase] = (rate, failed, sum(conflict for _r, conflict in rows))
        floor = cells["floor"][0]
        line = f"{clients:>7}  {floor:>9.2f} {cells['floor'][1]:>4} {cells['floor'][2]:>5}  "
        once, deferred = cells["once"], cells["deferred"]
        line += f"{once[0]:>8.2f} {once[0] / floor:>7.2f} {once[1]:>4} {once[2]:>5}  "
        line += (
            f"{deferred[0]:>12.2f} {deferred[0] / floor:>7.2f} {deferred[1]:>4} {deferred[2]:>5}"
        )
        print(line)
    print(
        "o/s: orders closed per second (median of the runs); x floor: ratio to the floor "
        "at the same client count; fail: calls that still failed after Odoo's retries "
        "(all runs); confl: serialization failures, lock refusals and deadlocks the server "
        "logged during those phases (each one retried by Odoo)."
    )
    print("targets: deferred >= 0.95 x floor at every client count; once: fail <= floor's fail")
    messages = Counter()
    for result in results:
        messages.update(result[5])
    for message, count in messages.most_common(10):
        print(f"  {count}x {message}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the phases against a server")
    run_parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    run_parser.add_argument("--db", required=True)
    run_parser.add_argument("--master-pid", type=int, required=True)
    run_parser.add_argument("--deadline", type=float, required=True, help="epoch seconds")
    run_parser.add_argument("--summary", help="write the closing lines here, not to stdout")
    run_parser.add_argument("--server-log", help="the server's log, to count its conflicts")
    run_parser.add_argument("--orders", type=int, default=40, help="orders per phase")
    run_parser.add_argument("--clients", default="2,4,8", help="client counts, comma list")
    run_parser.add_argument("--repeat", type=int, default=2, help="runs of every phase")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(run(parse_args()))
