"""Stress tier driver: concurrent XML-RPC clients against a real Odoo server.

Odoo's test cursor runs every test in one transaction, so it cannot show a race. Here
tools/stress has created a fresh database (mrp_backflush with its demo data) and started
odoo-bin in prefork mode (2 workers); this driver checks and completes the demo plant,
stocks the components and confirms the orders over XML-RPC, runs the scenarios with
concurrent clients (threads, each with its own ServerProxy, logged in as admin), checks
the invariants with SQL and prints a table.

    python tools/stress.py run --url URL --db DB --master-pid PID --deadline EPOCH
    python tools/stress.py gevent-shim DIR

A fault that Odoo raises after its own retries of a serialization failure is counted as
"retried", a UserError or ValidationError as "refused": neither is a violation when the
end state is right. Exit code: 0 when no invariant is violated and every scenario ran.
"""

import argparse
import contextlib
import importlib.metadata
import itertools
import os
import re
import signal
import sys
import threading
import time
import xmlrpc.client
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg2

LOGIN = PASSWORD = "admin"
COMPONENT_STOCK = 100000.0
# Text of the faults Odoo returns when a request still hits a serialization failure, a
# deadlock or a lock it may not wait for after its own retries.
CONCURRENCY_MARKERS = (
    "could not serialize access",
    "SerializationFailure",
    "deadlock detected",
    "DeadlockDetected",
    "LockNotAvailable",
    "could not obtain lock",
)
RPC_FAULT_CODE_WARNING = 2  # odoo.addons.base.controllers.rpc: UserError, ValidationError
# The server's log: an entry starts with its time (UTC: odoo-bin sets TZ); PostgreSQL's
# message about a failed query follows it on a line of its own.
LOG_ENTRY = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \d+ [A-Z]+ ")
LOG_CONFLICTS = (
    "ERROR: could not serialize access",
    "ERROR: could not obtain lock",
    "ERROR: deadlock detected",
)


# ---------------------------------------------------------------------------- clients


class TimeoutTransport(xmlrpc.client.Transport):
    """Every request is bounded in time: no client waits forever on a dead worker."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection

    def request(self, host, handler, request_body, verbose=False):
        # xmlrpc.client sends a request again when its connection drops (a killed worker):
        # here every call is sent once, and its fate is what the client saw.
        return self.single_request(host, handler, request_body, verbose)


class Client:
    """One XML-RPC client (its own connections), logged in as admin."""

    def __init__(self, ctx):
        self.db = ctx.db
        timeout = max(5.0, min(120.0, ctx.remaining()))
        common = xmlrpc.client.ServerProxy(
            f"{ctx.url}/xmlrpc/2/common", transport=TimeoutTransport(timeout)
        )
        self.uid = common.authenticate(ctx.db, LOGIN, PASSWORD, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in to {ctx.db} as {LOGIN}")
        self.models = xmlrpc.client.ServerProxy(
            f"{ctx.url}/xmlrpc/2/object", transport=TimeoutTransport(timeout), allow_none=True
        )

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, PASSWORD, model, method, list(args), kwargs
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        return rows[0]["res_id"] if rows else None

    def call_returning_none(self, model, method, *args):
        """Call a method that returns None: Odoo commits, then cannot marshal the result."""
        try:
            self.call(model, method, *args)
        except xmlrpc.client.Fault as fault:
            if "cannot marshal None" not in str(fault.faultString):
                raise


def classify(error):
    """(kind, message) of an exception raised by a call: ok, refused, retried or error."""
    if isinstance(error, xmlrpc.client.Fault):
        text = str(error.faultString)
        if "cannot marshal None" in text:
            return "ok", None  # done and committed; only the result could not be sent
        if error.faultCode == RPC_FAULT_CODE_WARNING:
            return "refused", text.strip().splitlines()[0][:160]
        if any(marker in text for marker in CONCURRENCY_MARKERS):
            return "retried", "serialization failure after Odoo's retries"
        lines = [line for line in text.strip().splitlines() if line.strip()]
        return "error", (lines[-1] if lines else repr(error))[:160]
    return "error", f"{type(error).__name__}: {error}"[:160]


class Tally:
    """What the clients of one scenario saw, call by call (thread-safe)."""

    def __init__(self):
        self.counts = Counter()
        self.messages = Counter()
        self._lock = threading.Lock()

    def record(self, kind, message=None):
        with self._lock:
            self.counts["attempts"] += 1
            self.counts[kind] += 1
            if message:
                self.messages[f"{kind}: {message}"] += 1

    def attempt(self, func, describe=None):
        """Run one client call and record its outcome; returns the kind. ``describe``:
        what to show of the result of a call that went through (None: nothing)."""
        try:
            result = func()
        except Exception as error:  # every outcome is counted and shown
            kind, message = classify(error)
        else:
            kind, message = "ok", describe(result) if describe else None
        self.record(kind, message)
        return kind


def run_clients(ctx, count, body):
    """Run body(index, client, barrier) in ``count`` threads, each with its own client.

    Returns the problems that kept a client from running its loop (none when all went
    through); a thread still running at the deadline is left behind (daemon) and said.
    """
    barrier = threading.Barrier(count)
    problems = []

    def main(index):
        try:
            body(index, Client(ctx), barrier)
        except threading.BrokenBarrierError:
            problems.append(f"client {index}: another client stopped early")
        except Exception as error:  # reported, never hidden
            problems.append(f"client {index}: {type(error).__name__}: {error}"[:200])
            barrier.abort()

    threads = [threading.Thread(target=main, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, ctx.remaining()))
    if any(thread.is_alive() for thread in threads):
        problems.append("a client was still running at the time limit")
    return problems


# ---------------------------------------------------------------------------- context


@dataclass
class Plant:
    product: int
    bom: int
    components: list
    location: int


@dataclass
class Row:
    """One scenario: what the clients tried and saw, and what was found."""

    number: int
    title: str
    tally: Tally = field(default_factory=Tally)
    orders: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # why it could not run as designed
    window: tuple = ()  # (start, end) in epoch seconds
    conflicts: int = 0  # concurrency errors the server logged meanwhile


class Context:
    def __init__(self, args):
        self.url = args.url
        self.db = args.db
        self.deadline = args.deadline
        self.master_pid = args.master_pid
        self.http_port = int(args.url.rsplit(":", 1)[1])
        self.conn = psycopg2.connect(
            dbname=args.db,
            user=os.environ.get("DB_USER", "odoo"),
            password=os.environ.get("DB_PASSWORD") or None,
            host=os.environ.get("PGHOST", "127.0.0.1"),
            port=os.environ.get("PGPORT", "5432"),
        )
        self.conn.autocommit = True
        self.plant = None

    def remaining(self):
        return self.deadline - time.time()

    def expired(self):
        return self.remaining() <= 0

    def client(self):
        return Client(self)

    def sql(self, query, params=None):
        with self.conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []


def wait_for_server(ctx, limit=120.0):
    """Wait until the server answers XML-RPC and the admin can log in."""
    stop = min(ctx.deadline, time.time() + limit)
    while True:
        try:
            return ctx.client()
        except (OSError, xmlrpc.client.Error) as error:
            if not Path(f"/proc/{ctx.master_pid}").exists():
                raise SystemExit("stress: the server stopped: see its log") from error
            if time.time() > stop:
                raise SystemExit(
                    f"stress: the server did not answer at {ctx.url}: {error}"
                ) from error
            time.sleep(0.5)


# ---------------------------------------------------------------------------- setup


def find_plant(admin):
    """The demo's finished product, its bill of materials and components, or None."""
    product = admin.ref("mrp_backflush.demo_product_widget")
    bom = admin.ref("mrp_backflush.demo_bom_widget")
    if not product or not bom:
        return None
    lines = admin.call("mrp.bom.line", "search_read", [("bom_id", "=", bom)], fields=["product_id"])
    components = [line["product_id"][0] for line in lines]
    return Plant(product, bom, components, find_plant_location(admin))


def ensure_company(admin, fixes):
    """The admin's company needs a chart of accounts and the backflush journal."""
    company_id = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    (company,) = admin.call(
        "res.company", "read", [company_id], ["chart_template", "backflush_journal_id"]
    )
    if not company["chart_template"]:
        admin.call_returning_none(
            "account.chart.template", "try_loading", [], "generic_coa", company_id
        )
        fixes.append("loaded the generic chart of accounts")
        (company,) = admin.call("res.company", "read", [company_id], ["backflush_journal_id"])
    if not company["backflush_journal_id"]:
        found = admin.call(
            "account.journal",
            "search",
            [("code", "=", "BFL"), ("company_id", "=", company_id)],
            limit=1,
        )
        if found:
            journal = found[0]
        else:
            journal = admin.call(
                "account.journal",
                "create",
                {"name": "Backflush Costing", "code": "BFL", "type": "general"},
            )
        admin.call("res.company", "write", [company_id], {"backflush_journal_id": journal})
        fixes.append("set the backflush journal on the company")


def account(admin, code, account_type):
    found = admin.call("account.account", "search", [("code", "=", code)], limit=1)
    if found:
        return found[0]
    return admin.call(
        "account.account", "create", {"code": code, "name": code, "account_type": account_type}
    )


CATEGORY_ACCOUNTS = {
    "property_stock_valuation_account_id": ("STRESS.FG", "asset_current"),
    "property_backflush_conversion_account_id": ("STRESS.APP", "expense_direct_cost"),
    "property_backflush_usage_variance_account_id": ("STRESS.USE", "expense_direct_cost"),
    "property_backflush_scrap_variance_account_id": ("STRESS.SCR", "expense_direct_cost"),
    "property_backflush_production_variance_account_id": ("STRESS.PRV", "expense_direct_cost"),
}


def category_accounts(admin):
    """{category account field: account id} of CATEGORY_ACCOUNTS, created when missing."""
    return {name: account(admin, code, kind) for name, (code, kind) in CATEGORY_ACCOUNTS.items()}


def ensure_category(admin, plant, fixes):
    """The finished product's category: standard, automated, Completion, all accounts."""
    (product,) = admin.call("product.product", "read", [plant.product], ["categ_id"])
    category_id = product["categ_id"][0]
    fields_ = ["property_backflush_trigger", "property_cost_method", "property_valuation"]
    (category,) = admin.call(
        "product.category", "read", [category_id], fields_ + list(CATEGORY_ACCOUNTS)
    )
    values = {}
    if category["property_cost_method"] != "standard":
        values["property_cost_method"] = "standard"
    if category["property_valuation"] != "real_time":
        values["property_valuation"] = "real_time"
    if category["property_backflush_trigger"] != "completion":
        values["property_backflush_trigger"] = "completion"
    for name, (code, account_type) in CATEGORY_ACCOUNTS.items():
        if not category[name]:
            values[name] = account(admin, code, account_type)
    if values:
        admin.call("product.category", "write", [category_id], values)
        fixes.append(f"set {', '.join(sorted(values))} on the finished product's category")


def ensure_components(admin, plant, fixes):
    """Storable components with a standard price."""
    rows = admin.call(
        "product.product", "read", plant.components, ["is_storable", "standard_price"]
    )
    for row in rows:
        values = {}
        if not row["is_storable"]:
            values["is_storable"] = True
        if not row["standard_price"]:
            values["standard_price"] = 5.0
        if values:
            admin.call("product.product", "write", [row["id"]], values)
            fixes.append(f"set {', '.join(sorted(values))} on component {row['id']}")


def create_plant(admin):
    """A plant of our own when the demo data has no finished product: two components."""
    rip = account(admin, "STRESS.RIP", "asset_current")
    components_category = admin.call(
        "product.category",
        "create",
        {
            "name": "Stress components",
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            "property_stock_valuation_account_id": rip,
        },
    )
    finished_category = admin.call("product.category", "create", {"name": "Stress finished"})
    components = [
        admin.call(
            "product.product",
            "create",
            {
                "name": f"Stress component {index}",
                "is_storable": True,
                "categ_id": components_category,
                "standard_price": 5.0 + index,
            },
        )
        for index in range(2)
    ]
    return made_product(admin, "Stress finished", finished_category, components, 30.0, 10.0)


def made_product(admin, name, category, components, standard_price, conversion_cost):
    """A storable product of ``category`` with a bill of one of each of ``components``
    (flexible consumption): a Plant without its location."""
    product = admin.call(
        "product.product",
        "create",
        {
            "name": name,
            "is_storable": True,
            "categ_id": category,
            "standard_price": standard_price,
            "backflush_conversion_cost": conversion_cost,
        },
    )
    (template,) = admin.call("product.product", "read", [product], ["product_tmpl_id"])
    bom = admin.call(
        "mrp.bom",
        "create",
        {
            "product_tmpl_id": template["product_tmpl_id"][0],
            "product_qty": 1.0,
            "consumption": "flexible",
            "bom_line_ids": [[0, 0, {"product_id": c, "product_qty": 1.0}] for c in components],
        },
    )
    return Plant(product, bom, components, None)


def prepare_plant(ctx, admin):
    """Check that the demo data gives a usable plant; complete what is missing."""
    fixes = []
    ensure_company(admin, fixes)
    plant = find_plant(admin)
    if plant is None:
        plant = create_plant(admin)
        plant.location = find_plant_location(admin)
        fixes.append("the demo has no finished product: created a plant")
    ensure_category(admin, plant, fixes)
    ensure_components(admin, plant, fixes)
    stock_components(admin, plant)
    ctx.plant = plant
    return fixes


def find_plant_location(admin):
    """The stock location of the admin's company's warehouse."""
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    (warehouse,) = admin.call(
        "stock.warehouse",
        "search_read",
        [("company_id", "=", company)],
        fields=["lot_stock_id"],
        limit=1,
    )
    return warehouse["lot_stock_id"][0]


def stock_components(admin, plant):
    """Plenty of every component: an inventory adjustment applied as admin."""
    quants = admin.call(
        "stock.quant",
        "create",
        [
            {
                "product_id": component,
                "location_id": plant.location,
                "inventory_quantity": COMPONENT_STOCK,
            }
            for component in plant.components
        ],
        context={"inventory_mode": True},
    )
    admin.call_returning_none("stock.quant", "action_apply_inventory", quants)
    rows = admin.call(
        "product.product",
        "read",
        plant.components,
        ["qty_available"],
        context={"location": plant.location},
    )
    short = [row["id"] for row in rows if row["qty_available"] < COMPONENT_STOCK / 2]
    if short:
        raise RuntimeError(f"could not stock components {short}")


def confirmed_orders(admin, plant, sizes):
    """Create and confirm one order per quantity of ``sizes``; returns their ids."""
    orders = admin.call(
        "mrp.production",
        "create",
        [
            {"product_id": plant.product, "bom_id": plant.bom, "product_qty": float(size)}
            for size in sizes
        ],
    )
    admin.call("mrp.production", "action_confirm", orders)
    return orders


def close_now(admin, orders):
    """Mark orders done in one call (not part of any race); they must all be done."""
    admin.call("mrp.production", "button_mark_done", orders)
    states = admin.call("mrp.production", "read", orders, ["state"])
    not_done = [row["id"] for row in states if row["state"] != "done"]
    if not_done:
        raise RuntimeError(f"orders {not_done} are not done after button_mark_done")


# ---------------------------------------------------------------------------- checks


def completions_by_order(ctx, orders):
    """{order: (name, state, completion postings)} for ``orders``."""
    rows = ctx.sql(
        """
        SELECT mp.id, mp.name, mp.state, count(p.id)
          FROM mrp_production mp
          LEFT JOIN mrp_backflush_posting p
                 ON p.production_id = mp.id AND p.kind = 'completion'
         WHERE mp.id = ANY(%s)
         GROUP BY mp.id, mp.name, mp.state
        """,
        (list(orders),),
    )
    return {row[0]: row[1:] for row in rows}


def check_closed_once(ctx, orders):
    """Violations: an order not done, or done with other than one completion posting."""
    violations = []
    for name, state, count in completions_by_order(ctx, orders).values():
        if state != "done" or count != 1:
            violations.append(f"{name}: {state}, {count} completion posting(s) (expected done, 1)")
    return violations


def replay_close(ctx, orders, tries=3):
    """Close again, in one call, the orders still not done; returns how many there were."""
    admin = ctx.client()
    not_done = [
        order
        for order, (_name, state, _count) in completions_by_order(ctx, orders).items()
        if state != "done"
    ]
    for _try in range(tries):
        if not not_done or ctx.expired():
            break
        kind = Tally().attempt(
            lambda: admin.call("mrp.production", "button_mark_done", sorted(not_done))
        )
        if kind != "retried":
            break
    return len(not_done)


# ---------------------------------------------------------------------------- scenarios


def scenario_same_order(ctx, row):
    """1. Two clients mark the same confirmed order done at the same moment, per order."""
    orders = row.orders

    def body(_index, client, barrier):
        for order in orders:
            if ctx.expired():
                return
            barrier.wait(timeout=60)
            row.tally.attempt(
                lambda order=order: client.call("mrp.production", "button_mark_done", [order])
            )

    row.problems += run_clients(ctx, 2, body)
    replayed = replay_close(ctx, orders)
    if replayed:
        row.notes.append(f"{replayed} order(s) not done after the race were closed again")
    row.violations += check_closed_once(ctx, orders)


def scenario_double_unbuild(ctx, row, quantity):
    """2. Two unbuilds of ``quantity`` of the same done order at the same moment."""
    close_now(ctx.client(), row.orders)

    def body(_index, client, barrier):
        for order in row.orders:
            if ctx.expired():
                return
            unbuild = client.call(
                "mrp.unbuild",
                "create",
                {"mo_id": order, "product_id": ctx.plant.product, "product_qty": float(quantity)},
            )
            barrier.wait(timeout=60)
            row.tally.attempt(
                lambda unbuild=unbuild: client.call("mrp.unbuild", "action_unbuild", [unbuild])
            )

    row.problems += run_clients(ctx, 2, body)
    row.violations += check_unbuilds(ctx, row.orders)


def check_unbuilds(ctx, orders):
    """Per order: units unbuilt never exceed units produced, and reversal postings cover
    exactly the units unbuilt."""
    rows = ctx.sql(
        """
        SELECT mp.name,
               (SELECT coalesce(sum(sm.quantity), 0) FROM stock_move sm
                 WHERE sm.production_id = mp.id AND sm.product_id = mp.product_id
                   AND sm.state = 'done' AND NOT coalesce(sm.scrapped, false)),
               (SELECT count(*) FROM mrp_unbuild u WHERE u.mo_id = mp.id AND u.state = 'done'),
               (SELECT coalesce(sum(u.product_qty), 0) FROM mrp_unbuild u
                 WHERE u.mo_id = mp.id AND u.state = 'done'),
               (SELECT coalesce(sum(p.quantity), 0) FROM mrp_backflush_posting p
                 WHERE p.production_id = mp.id AND p.kind = 'reversal')
          FROM mrp_production mp
         WHERE mp.id = ANY(%s)
         ORDER BY mp.id
        """,
        (list(orders),),
    )
    violations = []
    for name, produced, unbuilds, unbuilt, reversed_ in rows:
        if unbuilt > produced:
            violations.append(
                f"{name}: {unbuilds} unbuilds done, {num(unbuilt)} units unbuilt of "
                f"{num(produced)} produced (the second unbuild was not refused)"
            )
        if unbuilt != reversed_:
            violations.append(
                f"{name}: {num(unbuilt)} units unbuilt in stock, but reversal postings "
                f"cover {num(reversed_)}"
            )
    return violations


def scenario_double_scrap(ctx, row):
    """3. Two posts of the same scrap wizard at the same moment."""
    close_now(ctx.client(), row.orders)
    component = ctx.plant.components[0]
    wizards = {}

    def body(index, client, barrier):
        for order in row.orders:
            if ctx.expired():
                return
            if index == 0:
                wizards[order] = client.call(
                    "mrp.backflush.variance.wizard",
                    "create",
                    {
                        "production_id": order,
                        "line_ids": [[0, 0, {"product_id": component, "quantity": 1.0}]],
                    },
                )
                (wizard,) = client.call(
                    "mrp.backflush.variance.wizard", "read", [wizards[order]], ["problems"]
                )
                if wizard["problems"]:
                    row.notes.append(f"wizard of order {order}: {wizard['problems'][:120]}")
            barrier.wait(timeout=60)
            row.tally.attempt(
                lambda order=order: client.call(
                    "mrp.backflush.variance.wizard", "action_post", [wizards[order]]
                )
            )

    row.problems += run_clients(ctx, 2, body)
    row.violations += check_scraps(ctx, row.orders)


def check_scraps(ctx, orders):
    """Per order (one wizard each): exactly one scrap posting and one done scrap."""
    rows = ctx.sql(
        """
        SELECT mp.name,
               (SELECT count(*) FROM mrp_backflush_posting p
                 WHERE p.production_id = mp.id AND p.kind = 'scrap'),
               (SELECT count(*) FROM stock_scrap s
                 WHERE s.production_id = mp.id AND s.state = 'done')
          FROM mrp_production mp
         WHERE mp.id = ANY(%s)
         ORDER BY mp.id
        """,
        (list(orders),),
    )
    return [
        f"{name}: one wizard posted {postings} scrap posting(s) and {scraps} scrap(s) "
        "(expected 1 and 1)"
        for name, postings, scraps in rows
        if postings != 1 or scraps != 1
    ]


def scenario_double_update_post(ctx, row):
    """8. Two accounting administrators post one standard cost update at the same moment,
    one update per component (a component's standard changes once a day)."""
    admin = ctx.client()
    updates = {}
    for component in ctx.plant.components:
        (price,) = admin.call("product.product", "read", [component], ["standard_price"])
        update = admin.call(
            "mrp.backflush.standard.update", "create", {"product_ids": [[6, 0, [component]]]}
        )
        admin.call("mrp.backflush.standard.update", "action_compute", [update])
        (line,) = admin.call(
            "mrp.backflush.standard.update.line", "search", [("update_id", "=", update)]
        )
        planned = round(price["standard_price"] + 0.25, 2)
        admin.call(
            "mrp.backflush.standard.update.line", "write", [line], {"planned_price": planned}
        )
        admin.call("mrp.backflush.standard.update", "action_compute", [update])
        updates[update] = (component, planned)

    def body(_index, client, barrier):
        for update in updates:
            if ctx.expired():
                return
            barrier.wait(timeout=60)
            row.tally.attempt(
                lambda update=update: client.call(
                    "mrp.backflush.standard.update", "action_post", [update]
                )
            )

    row.problems += run_clients(ctx, 2, body)
    row.violations += check_updates(ctx, updates)


def check_updates(ctx, updates):
    """Per update: posted once (one register record, at most one entry), its standard set."""
    violations = []
    for update_id, (component, planned) in updates.items():
        ((name, state, postings, entries, price),) = ctx.sql(
            """
            SELECT u.name, u.state,
                   (SELECT count(*) FROM mrp_backflush_posting p
                     WHERE p.standard_update_id = u.id),
                   (SELECT count(*) FROM account_move m WHERE m.ref = u.name),
                   (pp.standard_price->>u.company_id::text)::numeric
              FROM mrp_backflush_standard_update u, product_product pp
             WHERE u.id = %s AND pp.id = %s
            """,
            (update_id, component),
        )
        if state != "posted" or postings != 1 or entries > 1:
            violations.append(
                f"{name}: {state}, {postings} register record(s), {entries} entries "
                "(expected posted, 1, at most 1)"
            )
        if round(float(price or 0), 2) != planned:
            violations.append(f"{name}: standard {price}, expected {planned}")
    return violations


def scenario_double_repair_end(ctx, row):
    """9. Two clients end one repair of a backflushed unit at the same moment, a part
    fitted (the mrp_backflush_repair bridge, with Odoo's Repairs)."""
    admin = ctx.client()
    installed = admin.call(
        "ir.module.module",
        "search_count",
        [("name", "=", "mrp_backflush_repair"), ("state", "=", "installed")],
    )
    if not installed:
        row.problems.append("mrp_backflush_repair is not installed (Odoo's Repairs is not)")
        return
    close_now(admin, row.orders)  # the units to repair
    part = ctx.plant.components[0]
    repairs = []
    for _order in row.orders:
        repair = admin.call(
            "repair.order", "create", {"product_id": ctx.plant.product, "product_qty": 1.0}
        )
        admin.call(
            "stock.move",
            "create",
            {
                "repair_id": repair,
                "repair_line_type": "add",
                "product_id": part,
                "product_uom_qty": 1.0,
            },
        )
        admin.call("repair.order", "action_validate", [repair])
        admin.call("repair.order", "action_repair_start", [repair])
        repairs.append(repair)

    def body(_index, client, barrier):
        for repair in repairs:
            if ctx.expired():
                return
            barrier.wait(timeout=60)
            row.tally.attempt(
                lambda repair=repair: client.call("repair.order", "action_repair_end", [repair])
            )

    row.problems += run_clients(ctx, 2, body)
    row.violations += check_repairs(ctx, repairs)


def check_repairs(ctx, repairs):
    """Per repair: done, its part moved once, one rework record, at most one entry."""
    rows = ctx.sql(
        """
        SELECT r.name, r.state,
               (SELECT count(*) FROM stock_move m
                 WHERE m.repair_id = r.id AND m.repair_line_type = 'add' AND m.state = 'done'),
               (SELECT count(*) FROM mrp_backflush_posting p WHERE p.repair_id = r.id),
               (SELECT count(*) FROM mrp_backflush_posting p
                 WHERE p.repair_id = r.id AND p.move_id IS NOT NULL)
          FROM repair_order r
         WHERE r.id = ANY(%s)
         ORDER BY r.id
        """,
        (list(repairs),),
    )
    return [
        f"{name}: {state}, {moved} part move(s) done, {records} rework record(s), {entries} "
        "entries (expected done, 1, 1, at most 1)"
        for name, state, moved, records, entries in rows
        if state != "done" or moved != 1 or records != 1 or entries > 1
    ]


def scenario_many_clients(ctx, row, clients, tries=3):
    """4. Several clients, each closing its own orders one by one."""
    per_client = len(row.orders) // clients
    again = Counter()

    def body(index, client, barrier):
        mine = row.orders[index * per_client : (index + 1) * per_client]
        barrier.wait(timeout=60)
        for order in mine:
            for attempt in range(tries):
                if ctx.expired():
                    return
                again[index] += attempt > 0
                kind = row.tally.attempt(
                    lambda order=order: client.call("mrp.production", "button_mark_done", [order])
                )
                if kind != "retried":
                    break

    row.problems += run_clients(ctx, clients, body)
    if sum(again.values()):
        row.notes.append(f"{sum(again.values())} call(s) sent again after a serialization failure")
    row.violations += check_closed_once(ctx, row.orders)


def scenario_killed_worker(ctx, row):
    """5. SIGKILL the worker that runs a mass close of the orders, then replay the close."""
    outcome = {}
    ready = threading.Event()
    client = ctx.client()

    def close_all():
        ready.set()
        try:
            client.call("mrp.production", "button_mark_done", row.orders)
        except Exception as error:  # the kill is expected to break it
            outcome["kind"], outcome["message"] = classify(error)
        else:
            outcome["kind"], outcome["message"] = "ok", None

    thread = threading.Thread(target=close_all, daemon=True)
    thread.start()
    ready.wait()
    victim = wait_for_busy_worker(ctx, thread)
    if victim and thread.is_alive():
        os.kill(victim, signal.SIGKILL)
        row.notes.append(f"killed worker {victim} (SIGKILL) during the close")
    else:
        row.problems.append("the close ended before a busy worker was found to kill")
    thread.join(max(1.0, min(120.0, ctx.remaining())))
    row.tally.record(outcome.get("kind", "error"), outcome.get("message") or None)
    row.violations += check_half_done(ctx, row.orders)
    replayed = replay_close(ctx, row.orders)
    row.notes.append(f"{replayed} order(s) not done after the kill were closed again")
    row.violations += check_closed_once(ctx, row.orders)


def worker_pids(ctx):
    """HTTP workers of the server: children of the master, not its gevent process."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if ppid == ctx.master_pid and b"gevent" not in cmdline:
                pids.append(int(entry.name))
    return pids


def established_inodes(port):
    """Socket inodes of TCP connections established on the server's HTTP port."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                local_port = int(parts[1].rsplit(":", 1)[1], 16)
                if local_port == port and parts[3] == "01":
                    inodes.add(parts[9])
    return inodes


def worker_holding(pids, inodes):
    """The worker among ``pids`` that holds one of the socket ``inodes``, if any."""
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return pid
    return None


def transaction_running(ctx, seconds):
    """Whether a transaction of the server has been open on the database for ``seconds``."""
    rows = ctx.sql(
        """
        SELECT count(*) FROM pg_stat_activity
         WHERE datname = %s AND pid <> pg_backend_pid()
           AND state IN ('active', 'idle in transaction')
           AND xact_start < now() - make_interval(secs => %s)
        """,
        (ctx.db, seconds),
    )
    return rows[0][0] > 0


def wait_for_busy_worker(ctx, thread, limit=20.0):
    """The worker running the close, once its transaction has run a little while."""
    stop = time.time() + limit
    while thread.is_alive() and time.time() < stop:
        if transaction_running(ctx, 0.3):
            pid = worker_holding(worker_pids(ctx), established_inodes(ctx.http_port))
            if pid:
                return pid
        time.sleep(0.05)
    return None


def check_half_done(ctx, orders):
    """Right after the kill: an order not done has no posting, done move or entry; an
    order done has exactly one completion posting."""
    rows = ctx.sql(
        """
        SELECT mp.name, mp.state,
               (SELECT count(*) FROM mrp_backflush_posting p WHERE p.production_id = mp.id),
               (SELECT count(*) FROM mrp_backflush_posting p
                 WHERE p.production_id = mp.id AND p.kind = 'completion'),
               (SELECT count(*) FROM stock_move sm
                 WHERE (sm.raw_material_production_id = mp.id OR sm.production_id = mp.id)
                   AND sm.state = 'done'),
               (SELECT count(*) FROM account_move am WHERE am.backflush_production_id = mp.id)
          FROM mrp_production mp
         WHERE mp.id = ANY(%s)
         ORDER BY mp.id
        """,
        (list(orders),),
    )
    violations = []
    for name, state, postings, completions, done_moves, entries in rows:
        if state != "done" and (postings or done_moves or entries):
            violations.append(
                f"{name} after the kill: {state} but {postings} posting(s), {done_moves} done "
                f"move(s), {entries} backflush entr(y/ies): half-done"
            )
        elif state == "done" and completions != 1:
            violations.append(f"{name} after the kill: done with {completions} completions")
    return violations


# The account scenario 6 removes from the finished product's category for a completion
# (a completion needs it whatever its variance), and the scheduled action it triggers.
RETRY_ACCOUNT = "property_backflush_usage_variance_account_id"
RETRY_CRON = "mrp_backflush.ir_cron_backflush_retry_failed"


def scenario_retry_race(ctx, row):
    """6. Per order: its completion is queued (the company queues blocked postings and
    the finished product's category lacks one account), the account is put back, then
    two clients Retry that Failed posting (action_retry) and a third runs the scheduled
    action at the same moment. The scheduled action's method is private, so not callable
    over XML-RPC: ir.cron's method_direct_trigger runs it in the server (an administrator
    may: it asks for write access to ir.cron). It retries every Failed posting, so each
    round queues one order only: the three contend for that one posting."""
    admin = ctx.client()
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    (setting,) = admin.call("res.company", "read", [company], ["backflush_blocked_posting"])
    (product,) = admin.call("product.product", "read", [ctx.plant.product], ["categ_id"])
    category = product["categ_id"][0]
    (saved,) = admin.call("product.category", "read", [category], [RETRY_ACCOUNT])
    account_id = saved[RETRY_ACCOUNT] and saved[RETRY_ACCOUNT][0]
    cron = admin.ref(RETRY_CRON)
    if not account_id or not cron:
        raise RuntimeError(f"no {RETRY_ACCOUNT} on category {category} or no {RETRY_CRON}")
    admin.call("res.company", "write", [company], {"backflush_blocked_posting": "queue"})
    postings, posted_by_retry = [], 0
    try:
        for order in row.orders:
            if ctx.remaining() < 10:
                row.problems.append("stopped before the last rounds: the time limit is near")
                break
            posting = queue_completion(ctx, admin, row, order, category, account_id)
            if posting is None:
                continue
            postings.append(posting)
            posted_by_retry += race_retry(ctx, row, posting, cron)
            replay_retry(ctx, admin, row, posting)
    finally:
        admin.call("product.category", "write", [category], {RETRY_ACCOUNT: account_id})
        admin.call(
            "res.company",
            "write",
            [company],
            {"backflush_blocked_posting": setting["backflush_blocked_posting"]},
        )
    if postings:
        row.notes.append(
            f"{len(postings)} queued posting(s): {posted_by_retry} posted by a Retry, "
            f"{len(postings) - posted_by_retry} by the scheduled action (or a replay)"
        )
    row.violations += check_retried(ctx, postings)
    row.violations += check_closed_once(ctx, row.orders)


def queue_completion(ctx, admin, row, order, category, account_id):
    """Complete ``order`` while its category lacks RETRY_ACCOUNT, then put it back; its
    completion must give one Failed posting without an entry. Returns its id, or None
    (a violation) when it does not."""
    admin.call("product.category", "write", [category], {RETRY_ACCOUNT: False})
    try:
        close_now(admin, [order])
    finally:
        admin.call("product.category", "write", [category], {RETRY_ACCOUNT: account_id})
    found = ctx.sql(
        """
        SELECT p.id, p.name, p.state, p.move_id, p.failure_reason
          FROM mrp_backflush_posting p
         WHERE p.production_id = %s AND p.kind = 'completion'
        """,
        (order,),
    )
    if len(found) != 1 or found[0][2] != "failed" or found[0][3] is not None:
        seen = ", ".join(f"{name} {state} entry {move}" for _id, name, state, move, _r in found)
        row.violations.append(
            f"order {order} completed without {RETRY_ACCOUNT} in a company that queues: "
            f"{seen or 'no posting'} (expected one Failed posting without entry)"
        )
        return None
    posting, name, _state, _move, reason = found[0]
    if not any(note.startswith("queued because") for note in row.notes):
        row.notes.append(f"queued because: {(reason or '').splitlines()[0][:120]}")
    (others,) = ctx.sql(
        "SELECT count(*) FROM mrp_backflush_posting WHERE state = 'failed' AND id <> %s",
        (posting,),
    )
    if others[0]:
        row.notes.append(f"{name}: {others[0]} other Failed posting(s) for the scheduled action")
    return posting


def retry_message(result):
    """The notification action_retry returns: how many it posted, how many still fail."""
    params = result.get("params", {}) if isinstance(result, dict) else {}
    return params.get("message") or repr(result)[:120]


def race_retry(ctx, row, posting, cron):
    """Two Retry calls and the scheduled action at the same moment on ``posting``;
    returns how many of the Retry calls said they posted it."""
    said = []

    def describe(result):
        message = retry_message(result)
        said.append(message)
        return message

    def body(index, client, barrier):
        barrier.wait(timeout=60)
        if index < 2:
            row.tally.attempt(
                lambda: client.call("mrp.backflush.posting", "action_retry", [posting]),
                describe,
            )
        else:
            row.tally.attempt(lambda: client.call("ir.cron", "method_direct_trigger", [cron]))

    row.problems += run_clients(ctx, 3, body)
    return sum(message.startswith("1 postings posted") for message in said)


def replay_retry(ctx, admin, row, posting, tries=3):
    """When no contender posted ``posting`` (all refused or out of retries), Retry it
    once more alone; a retry that went through and left it Failed is a violation."""
    for _try in range(tries):
        (state,) = ctx.sql("SELECT state FROM mrp_backflush_posting WHERE id = %s", (posting,))
        if state[0] != "failed" or ctx.expired():
            return
        row.notes.append(f"posting {posting} still Failed after the race: retried alone")
        kind = Tally().attempt(
            lambda: admin.call("mrp.backflush.posting", "action_retry", [posting])
        )
        if kind != "retried":
            return


def check_retried(ctx, postings):
    """Per retried posting: the one register record of its event, posted, its retries
    never failed (the configuration was complete), holding one posted, balanced entry,
    the only backflush entry of its order."""
    rows = ctx.sql(
        """
        SELECT p.name, p.state, p.retry_count, p.failure_reason, p.pending_data,
               am.name, am.state,
               (SELECT count(*) FROM mrp_backflush_posting q WHERE q.event_key = p.event_key),
               (SELECT count(*) FROM account_move_line l WHERE l.move_id = am.id),
               (SELECT round(coalesce(sum(l.debit) - sum(l.credit), 0), 2)
                  FROM account_move_line l WHERE l.move_id = am.id),
               (SELECT string_agg(e.name || ' ' || e.state, ', ' ORDER BY e.id)
                  FROM account_move e WHERE e.backflush_production_id = p.production_id),
               (SELECT count(*) FROM account_move e
                 WHERE e.backflush_production_id = p.production_id)
          FROM mrp_backflush_posting p
          LEFT JOIN account_move am ON am.id = p.move_id
         WHERE p.id = ANY(%s)
         ORDER BY p.id
        """,
        (list(postings),),
    )
    violations = []
    for found in rows:
        name, state, retries, reason, pending, entry, entry_state = found[:7]
        records, lines, balance, entries, entry_count = found[7:]
        if state != "posted":
            first = (reason or "").splitlines()[:1]
            violations.append(f"{name}: {state} after the retries ({' '.join(first)[:120]})")
        if entry is None or entry_state != "posted" or not lines or balance != 0:
            violations.append(
                f"{name}: entry {entry} {entry_state}, {lines} lines, debit - credit "
                f"{balance} (expected one posted, balanced entry)"
            )
        if records != 1 or entry_count != 1:
            violations.append(
                f"{name}: {records} register record(s) for its event, backflush entries "
                f"of its order: {entries or 'none'} (expected 1 and 1: posted once)"
            )
        if retries or (state == "posted" and (reason or pending)):
            violations.append(
                f"{name}: {retries or 0} failed retr(y/ies) with the configuration complete, "
                f"reason {str(reason)[:80]!r}, pending data {'kept' if pending else 'cleared'}"
            )
    return violations


PENDING_CRON = "mrp_backflush.ir_cron_backflush_post_pending"


def scenario_deferred_race(ctx, row):
    """7. The company posts in batches (deferred): 4 clients close the orders at once,
    each completion must be recorded Pending, without entry; then two clients Post Now
    (action_retry) all of them and a third runs the scheduled action that posts pending
    postings (method_direct_trigger), at the same moment. Each must be posted once."""
    admin = ctx.client()
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    (setting,) = admin.call("res.company", "read", [company], ["backflush_posting_mode"])
    cron = admin.ref(PENDING_CRON)
    if not cron:
        raise RuntimeError(f"no {PENDING_CRON}")
    admin.call("res.company", "write", [company], {"backflush_posting_mode": "deferred"})
    try:
        chunks = [row.orders[index::4] for index in range(4)]

        def close_body(index, client, barrier):
            barrier.wait(timeout=60)
            if chunks[index]:
                row.tally.attempt(lambda: close_now(client, chunks[index]))

        row.problems += run_clients(ctx, 4, close_body)
    finally:
        admin.call("res.company", "write", [company], setting)
    found = ctx.sql(
        "SELECT id, state, move_id FROM mrp_backflush_posting "
        "WHERE production_id = ANY(%s) AND kind = 'completion' ORDER BY id",
        (list(row.orders),),
    )
    early = [posting for posting, state, move in found if state != "pending" or move]
    if early:
        row.violations.append(
            f"{len(early)} of {len(found)} deferred completions not Pending without entry "
            "right after the close"
        )
    postings = [posting for posting, _state, _move in found]
    if not postings:
        row.violations.append("no completion recorded for the deferred closes")
        return

    def post_body(index, client, barrier):
        barrier.wait(timeout=60)
        if index < 2:
            row.tally.attempt(
                lambda: client.call("mrp.backflush.posting", "action_retry", postings)
            )
        else:
            row.tally.attempt(lambda: client.call("ir.cron", "method_direct_trigger", [cron]))

    row.problems += run_clients(ctx, 3, post_body)
    (left,) = ctx.sql(
        "SELECT count(*) FROM mrp_backflush_posting WHERE id = ANY(%s) AND state = 'pending'",
        (postings,),
    )
    if left[0]:  # every contender refused (rows locked by another): post the rest alone
        row.notes.append(f"{left[0]} still Pending after the race: posted alone")
        Tally().attempt(lambda: admin.call("mrp.backflush.posting", "action_retry", postings))
    row.notes.append(f"{len(postings)} deferred completions recorded Pending, then posted")
    row.violations += check_retried(ctx, postings)
    row.violations += check_closed_once(ctx, row.orders)


# ---------------------------------------------------------------------------- invariants

# Orders that backflush costs: done orders whose product's category is under a trigger
# in the order's company (property_backflush_trigger is company-dependent: jsonb keyed by
# company id, no key meaning the default, None), and every order with a posting.
BACKFLUSHED = """
    backflushed AS (
        SELECT mp.id
          FROM mrp_production mp
          JOIN product_product pp ON pp.id = mp.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN product_category pc ON pc.id = pt.categ_id
         WHERE mp.state = 'done'
           AND coalesce(pc.property_backflush_trigger ->> mp.company_id::text, 'none')
               IN ('completion', 'completion_only', 'shipment')
        UNION
        SELECT production_id FROM mrp_backflush_posting WHERE production_id IS NOT NULL
    )
"""

# (label, SQL returning (production id or NULL, description) per violation)
INVARIANTS = [
    (
        "(a) one completion posting per order and finished move",
        """
        SELECT production_id, format('%s completion postings for order %s and move %s',
                                     count(*), min(name), stock_move_id)
          FROM mrp_backflush_posting
         WHERE kind = 'completion'
         GROUP BY production_id, stock_move_id
        HAVING count(*) > 1
        """,
    ),
    (
        "(a) a done backflushed order has one completion posting",
        f"""
        WITH {BACKFLUSHED}
        SELECT mp.id, format('%s is done with %s completion postings', mp.name, count(p.id))
          FROM mrp_production mp
          JOIN backflushed b ON b.id = mp.id
          JOIN mrp_backflush_posting p ON p.production_id = mp.id AND p.kind = 'completion'
         WHERE mp.state = 'done'
         GROUP BY mp.id, mp.name
        HAVING count(p.id) > 1
        """,
    ),
    (
        "(b) every entry of a posting balanced and posted",
        """
        SELECT p.production_id,
               format('entry %s of %s (%s): debit %s, credit %s, state %s', am.name, p.name,
                      p.kind, sum(aml.debit), sum(aml.credit), am.state)
          FROM (SELECT DISTINCT move_id, production_id, name, kind
                  FROM mrp_backflush_posting WHERE move_id IS NOT NULL) p
          JOIN account_move am ON am.id = p.move_id
          LEFT JOIN account_move_line aml ON aml.move_id = am.id
         GROUP BY p.production_id, p.name, p.kind, am.id, am.name, am.state
        HAVING round(coalesce(sum(aml.debit), 0) - coalesce(sum(aml.credit), 0), 2) <> 0
            OR am.state <> 'posted'
        """,
    ),
    (
        "(c) done component/finished moves covered by a completion",
        f"""
        WITH {BACKFLUSHED}
        SELECT mp.id, format('%s: done move %s (%s) not covered by a completion posting',
                             mp.name, sm.id, sm.reference)
          FROM stock_move sm
          JOIN backflushed b ON b.id = coalesce(sm.raw_material_production_id, sm.production_id)
          JOIN mrp_production mp ON mp.id = b.id
         WHERE sm.state = 'done' AND NOT coalesce(sm.scrapped, false)
           AND sm.unbuild_id IS NULL AND sm.consume_unbuild_id IS NULL
           AND NOT EXISTS (
                SELECT 1 FROM mrp_backflush_posting p
                 WHERE p.kind = 'completion' AND p.production_id = mp.id
                   AND (sm.production_id IS NULL OR sm.product_id <> mp.product_id
                        OR p.stock_move_id = sm.id
                        OR abs(p.date - (sm.date AT TIME ZONE 'UTC')::date) <= 1))
        """,
    ),
    (
        "(c) done unbuilds covered by a reversal posting",
        """
        SELECT u.mo_id, format('unbuild %s (order %s) is done without a reversal posting',
                               u.name, u.mo_id)
          FROM mrp_unbuild u
          JOIN product_product pp ON pp.id = u.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN product_category pc ON pc.id = pt.categ_id
         WHERE u.state = 'done'
           AND (u.mo_id IN (SELECT production_id FROM mrp_backflush_posting
                             WHERE kind = 'completion')
                OR (u.mo_id IS NULL
                    AND coalesce(pc.property_backflush_trigger ->> u.company_id::text, 'none')
                        IN ('completion', 'completion_only', 'shipment')))
           AND NOT EXISTS (SELECT 1 FROM mrp_backflush_posting p
                            WHERE p.kind = 'reversal' AND p.unbuild_id = u.id)
        """,
    ),
    (
        "(c) done scraps of backflushed orders covered by a scrap posting",
        f"""
        WITH {BACKFLUSHED}
        SELECT s.production_id, format('scrap %s of order %s has no scrap posting',
                                       s.name, s.production_id)
          FROM stock_scrap s
          JOIN backflushed b ON b.id = s.production_id
          JOIN product_product pp ON pp.id = s.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE s.state = 'done' AND pt.is_storable
           AND NOT EXISTS (
                SELECT 1 FROM mrp_backflush_posting_stock_scrap_rel r
                  JOIN mrp_backflush_posting p ON p.id = r.mrp_backflush_posting_id
                 WHERE r.stock_scrap_id = s.id AND p.kind = 'scrap')
        """,
    ),
    (
        "(d) no done backflushed order without a completion posting",
        f"""
        WITH {BACKFLUSHED}
        SELECT mp.id, format('%s is done without a completion posting', mp.name)
          FROM mrp_production mp
          JOIN backflushed b ON b.id = mp.id
         WHERE mp.state = 'done'
           AND NOT EXISTS (SELECT 1 FROM mrp_backflush_posting p
                            WHERE p.production_id = mp.id AND p.kind = 'completion')
        """,
    ),
    (
        "(d) no completion posting of an order not done",
        """
        SELECT mp.id, format('%s is %s but has completion posting %s', mp.name, mp.state,
                             p.name)
          FROM mrp_backflush_posting p
          JOIN mrp_production mp ON mp.id = p.production_id
         WHERE p.kind = 'completion' AND mp.state <> 'done'
        """,
    ),
    (
        "(d) no posting whose entry is missing",
        """
        SELECT p.production_id, format('posting %s (%s) has no journal entry', p.name, p.kind)
          FROM mrp_backflush_posting p
          LEFT JOIN account_move am ON am.id = p.move_id
         WHERE am.id IS NULL AND p.state NOT IN ('failed', 'pending')
           AND NOT (p.kind = 'completion' AND p.trigger = 'shipment')
        """,
    ),
    (
        "(a) every backflush entry held by a register record",
        """
        SELECT am.backflush_production_id,
               format('entry %s (%s, %s) has backflush lines but no register record holds '
                      'it: posted twice?', am.name, am.ref, am.state)
          FROM account_move am
         WHERE EXISTS (SELECT 1 FROM account_move_line l
                        WHERE l.move_id = am.id AND l.backflush_kind IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM mrp_backflush_posting p WHERE p.move_id = am.id)
        """,
    ),
    (
        "(d) a Failed or Pending posting has no entry, a posted one nothing pending",
        """
        SELECT p.production_id,
               format('posting %s (%s) is %s with entry %s, %s failed retries, pending data '
                      '%s, reason %s', p.name, p.kind, p.state,
                      coalesce(p.move_id::text, 'none'), coalesce(p.retry_count, 0),
                      CASE WHEN p.pending_data IS NULL THEN 'none' ELSE 'kept' END,
                      coalesce(left(p.failure_reason, 80), 'none'))
          FROM mrp_backflush_posting p
         WHERE (p.state IN ('failed', 'pending') AND p.move_id IS NOT NULL)
            OR (p.state = 'pending' AND coalesce(p.failure_reason, '') <> '')
            OR (p.state NOT IN ('failed', 'pending')
                AND (coalesce(p.pending_data, '') <> '' OR coalesce(p.failure_reason, '') <> ''))
        """,
    ),
    (
        # Queued postings wait for missing configuration; the stress plant has it all, and
        # scenario 6 puts back the account it removes before it retries: every posting it
        # queued must end posted; scenario 7 posts every one it deferred. Nothing is left
        # out.
        "(d) no posting left queued (Failed) or Pending in a configured plant",
        """
        SELECT p.production_id, format('posting %s (%s) is %s: %s', p.name, p.kind, p.state,
                                       coalesce(left(p.failure_reason, 120), 'not posted'))
          FROM mrp_backflush_posting p
         WHERE p.state IN ('failed', 'pending')
        """,
    ),
]


def check_invariants(ctx):
    """[(label, [(production id, description)])] over the whole database."""
    return [(label, ctx.sql(query)) for label, query in INVARIANTS]


# ---------------------------------------------------------------------------- report


def count_conflicts(path, rows):
    """Count, per scenario, the serialization failures, lock refusals and deadlocks that
    the server logged while it ran: they show that its clients really did collide."""
    stamp = None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_ENTRY.match(line)
            if match:
                moment = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f")
                stamp = moment.replace(tzinfo=UTC).timestamp()
            elif stamp and line.startswith(LOG_CONFLICTS):
                for row in rows:
                    if row.window and row.window[0] <= stamp <= row.window[1]:
                        row.conflicts += 1


def num(value):
    return f"{float(value):g}"


def attribute(rows, invariants):
    """Add each whole-database violation to the scenario that owns its order; returns
    the violations of no scenario (demo data, or no order)."""
    owner = {order: row for row in rows for order in row.orders}
    outside = []
    for label, found in invariants:
        for production, description in found:
            row = owner.get(production)
            if row is None:
                outside.append(f"{label}: {description}")
            else:
                row.violations.append(f"{label}: {description}")
    return outside


def report(rows, invariants, outside, fixes):
    print()
    if fixes:
        print("demo data completed: " + "; ".join(fixes))
    header = (
        f"{'scenario':<48}{'attempts':>9}{'ok':>4}{'refused':>8}{'retried':>8}{'errors':>7}"
        f"{'conflicts':>10}{'violations':>11}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        counts = row.tally.counts
        print(
            f"{row.number}. {row.title:<45}{counts['attempts']:>9}{counts['ok']:>4}"
            f"{counts['refused']:>8}{counts['retried']:>8}{counts['errors']:>7}"
            f"{row.conflicts:>10}{len(row.violations):>11}  {'passed' if passed(row) else 'FAILED'}"
        )
    print("attempts: client calls; refused: a UserError or ValidationError; retried: a")
    print("serialization failure still reported after Odoo's retries; errors: anything else,")
    print("a dropped connection included; conflicts: serialization failures, lock refusals and")
    print("deadlocks the server logged meanwhile (they show that the clients really collided).")
    print()
    print(f"{'invariant (whole database, after all scenarios)':<64}{'violations':>12}")
    for label, found in invariants:
        print(f"{label:<64}{len(found):>12}")
    print()
    for row in rows:
        details = [
            f"client saw {count}x {message}" for message, count in row.tally.messages.items()
        ]
        details += [f"note: {note}" for note in row.notes]
        details += [f"DID NOT RUN AS DESIGNED: {problem}" for problem in row.problems]
        details += [f"VIOLATION: {violation}" for violation in row.violations[:25]]
        if len(row.violations) > 25:
            details.append(f"VIOLATION: ... and {len(row.violations) - 25} more")
        for detail in details:
            print(f"  {row.number}: {detail}")
    for violation in outside[:25]:
        print(f"  outside the scenarios: VIOLATION: {violation}")


def passed(row):
    return not row.violations and not row.problems


# ---------------------------------------------------------------------------- main

SCENARIOS = [
    # number, title, its orders' quantities, function and its arguments, seconds it needs
    (1, "2 clients mark one order done, x10", [5] * 10, scenario_same_order, (), 20),
    (2, "2 unbuilds of 6 of a done order of 10, x5", [10] * 5, scenario_double_unbuild, (6,), 20),
    (3, "2 posts of one scrap wizard, x5", [2] * 5, scenario_double_scrap, (), 15),
    (4, "4 clients close 25 orders each", [1] * 100, scenario_many_clients, (4,), 40),
    (5, "worker SIGKILLed in a close of 20 orders", [2] * 20, scenario_killed_worker, (), 20),
    (6, "queued posting: 2 Retry + cron at once, x5", [2] * 5, scenario_retry_race, (), 20),
    (
        7,
        "deferred: 4 clients close 12, then 2 Post Now + cron",
        [1] * 12,
        scenario_deferred_race,
        (),
        20,
    ),
    (
        8,
        "2 posts of one standard cost update, per component",
        [],
        scenario_double_update_post,
        (),
        15,
    ),
    (9, "2 clients end one repair (rework), x5", [1] * 5, scenario_double_repair_end, (), 20),
]


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
    if args.server_log:
        count_conflicts(args.server_log, rows)
    invariants = check_invariants(ctx)
    outside = attribute(rows, invariants)
    report(rows, invariants, outside, fixes)
    violations = sum(len(row.violations) for row in rows) + len(outside)
    failed = sum(not passed(row) for row in rows) + bool(outside)
    closing = (
        f"stress: {len(rows)} scenarios, {violations} violations\n"
        f"{len(rows) - sum(not passed(row) for row in rows)} passed, {failed} failed\n"
    )
    if args.summary:
        Path(args.summary).write_text(closing, encoding="utf-8")
    else:
        print(closing, end="")
    return 1 if failed or violations else 0


def gevent_shim(directory):
    """Egg-info stand-ins for gevent's requirements that pkg_resources cannot see.

    Odoo's prefork server starts a gevent process; gevent's plugin loading resolves its
    requirements with pkg_resources, and an old setuptools does not recognise the
    normalised names of newer wheels (zope_interface-*.dist-info), so that process dies
    at start and is respawned every second, burning a core. The stand-ins, put on the
    server's PYTHONPATH, only name what is already installed."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pkg_resources
        except ImportError:
            return  # gevent then finds its plugins without it

    missing = []
    for requirement in importlib.metadata.requires("gevent") or []:
        name = requirement.split(";")[0].split("[")[0].split()[0]
        for op in "<>=!~":
            name = name.split(op)[0]
        if ";" in requirement and "extra" in requirement.split(";", 1)[1]:
            continue
        try:
            pkg_resources.get_distribution(name)
        except pkg_resources.DistributionNotFound:
            with contextlib.suppress(importlib.metadata.PackageNotFoundError):
                missing.append((name, importlib.metadata.version(name)))
    for name, version in missing:
        egg = Path(directory) / f"{name}.egg-info"
        egg.mkdir(parents=True, exist_ok=True)
        (egg / "PKG-INFO").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
        )
    if missing:
        names = ", ".join(f"{name} {version}" for name, version in missing)
        print(
            f"warning: pkg_resources of this venv cannot see {names} (installed): Odoo's "
            "gevent process would crash at every start; the server gets stand-ins for them "
            "(upgrading setuptools in the venv fixes it)",
            file=sys.stderr,
        )


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the scenarios against a server")
    run_parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    run_parser.add_argument("--db", required=True)
    run_parser.add_argument("--master-pid", type=int, required=True)
    run_parser.add_argument("--deadline", type=float, required=True, help="epoch seconds")
    run_parser.add_argument("--summary", help="write the closing lines here, not to stdout")
    run_parser.add_argument("--server-log", help="the server's log, to count its conflicts")
    shim_parser = commands.add_parser("gevent-shim", help="write the stand-ins into DIR")
    shim_parser.add_argument("directory")
    return parser.parse_args()


def main():
    args = parse_args()
    if args.command == "gevent-shim":
        gevent_shim(args.directory)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
