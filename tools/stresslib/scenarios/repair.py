"""Two clients end one repair of a backflushed unit at the same moment (scenario 9,
the mrp_backflush_repair bridge): the part moved once, one rework record."""

from ..plant import close_now
from ..race import race_each


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

    race_each(
        ctx,
        row,
        repairs,
        lambda client, repair: client.call("repair.order", "action_repair_end", [repair]),
    )
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
