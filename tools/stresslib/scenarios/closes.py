"""Closes that race (scenarios 1 and 4), and what every scenario that closes orders
checks after: each order done, with exactly one completion posting."""

from collections import Counter

from ..race import Tally, race_each, run_clients


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


def scenario_same_order(ctx, row):
    """1. Two clients mark the same confirmed order done at the same moment, per order."""
    orders = row.orders
    race_each(
        ctx,
        row,
        orders,
        lambda client, order: client.call("mrp.production", "button_mark_done", [order]),
    )
    replayed = replay_close(ctx, orders)
    if replayed:
        row.notes.append(f"{replayed} order(s) not done after the race were closed again")
    row.violations += check_closed_once(ctx, orders)


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
