"""Two clients undo or scrap from one done order at the same moment: two unbuilds
(scenario 2, the second must be refused) and two posts of one scrap wizard (scenario
3, posted once)."""

from ..plant import close_now
from ..race import race_each, run_clients


def num(value):
    return f"{float(value):g}"


def scenario_double_unbuild(ctx, row, quantity):
    """2. Two unbuilds of ``quantity`` of the same done order at the same moment."""
    close_now(ctx.client(), row.orders)
    race_each(
        ctx,
        row,
        row.orders,
        lambda client, unbuild: client.call("mrp.unbuild", "action_unbuild", [unbuild]),
        prepare=lambda client, order: client.call(
            "mrp.unbuild",
            "create",
            {"mo_id": order, "product_id": ctx.plant.product, "product_qty": float(quantity)},
        ),
    )
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
