"""Two accounting administrators post one standard cost update at the same moment
(scenario 8): posted once, the standard set."""

from ..race import race_each


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

    race_each(
        ctx,
        row,
        updates,
        lambda client, update: client.call(
            "mrp.backflush.standard.update", "action_post", [update]
        ),
    )
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
