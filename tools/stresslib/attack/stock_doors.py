"""The doors that move stock or post, tried by a role with the forged context: mark
done, Scrap, a delivery and an inventory count of a Shipment-costed product, an
unbuild, a change of a done quantity, the Record scrap wizard with forged hidden
preview lines."""

from .judge import Outcome, attempt, judge_postings, postings, state_of
from .setup import confirmed_order, done_order


def try_mark_done(ctx, admin, setup, client):
    order = confirmed_order(admin, setup)

    def check():
        state = state_of(ctx, "mrp_production", order)
        if state != "done":
            return Outcome("refused", f"order left {state}")
        found = postings(ctx, "p.production_id = %s AND p.kind = 'completion'", (order,))
        return judge_postings(found, order)

    return attempt(lambda: client.forged("mrp.production", "button_mark_done", [order]), check)


def try_scrap(ctx, admin, setup, client):
    def judge(order, scrap):
        if state_of(ctx, "stock_scrap", scrap) != "done":
            return Outcome("refused", "scrap not done")
        found = postings(
            ctx,
            "p.id IN (SELECT mrp_backflush_posting_id FROM mrp_backflush_posting_stock_scrap_rel"
            " WHERE stock_scrap_id = %s)",
            (scrap,),
        )
        return judge_postings(found, order)

    return forged_on_done_order(
        admin,
        setup,
        client,
        "stock.scrap",
        lambda order: {
            "production_id": order,
            "product_id": setup.frame,
            "scrap_qty": 1.0,
            "location_id": setup.stock_location,
        },
        "do_scrap",
        judge,
    )


def try_delivery(ctx, admin, setup, client):
    picking_type = admin.call(
        "stock.picking.type",
        "search",
        [("code", "=", "outgoing"), ("company_id", "=", setup.company)],
        limit=1,
    )[0]
    moves = []

    def call():
        picking = client.forged(
            "stock.picking",
            "create",
            {
                "picking_type_id": picking_type,
                "location_id": setup.stock_location,
                "location_dest_id": setup.customer_location,
                "move_ids": [
                    [
                        0,
                        0,
                        {
                            "name": "attack delivery",
                            "product_id": setup.shipment_product,
                            "product_uom_qty": 1.0,
                            "location_id": setup.stock_location,
                            "location_dest_id": setup.customer_location,
                        },
                    ]
                ],
            },
        )
        client.forged("stock.picking", "action_confirm", [picking])
        client.forged("stock.picking", "action_assign", [picking])
        (move,) = client.call("stock.picking", "read", [picking], ["move_ids"])[0]["move_ids"]
        moves.append(move)
        client.forged("stock.move", "write", [move], {"quantity": 1.0, "picked": True})
        client.forged("stock.picking", "button_validate", [picking])

    def check():
        if not moves:
            return Outcome("refused", "no delivery made")
        state = state_of(ctx, "stock_move", moves[0])
        if state != "done":
            return Outcome("refused", f"delivery left {state}")
        return judge_postings(postings(ctx, "p.stock_move_id = %s", (moves[0],)))

    return attempt(call, check)


def try_inventory(ctx, admin, setup, client):
    quants = []

    def call():
        quants.append(
            client.forged(
                "stock.quant",
                "create",
                {
                    "product_id": setup.shipment_product,
                    "location_id": setup.stock_location,
                    "inventory_quantity": 0.0,
                },
                context={"inventory_mode": True},
            )
        )
        (quant,) = client.call("stock.quant", "read", [quants[0]], ["quantity"])
        client.forged(
            "stock.quant",
            "write",
            quants,
            {"inventory_quantity": quant["quantity"] - 1.0},
            context={"inventory_mode": True},
        )
        client.forged("stock.quant", "action_apply_inventory", quants)

    def check():
        moves = ctx.sql(
            """SELECT sm.id FROM stock_move sm JOIN stock_location l ON l.id = sm.location_dest_id
                WHERE sm.product_id = %s AND sm.state = 'done' AND l.usage = 'inventory'
                  AND sm.is_inventory ORDER BY sm.id DESC LIMIT 1""",
            (setup.shipment_product,),
        )
        seen = ctx.sql(
            "SELECT count(*) FROM mrp_backflush_posting WHERE stock_move_id = %s",
            (moves[0][0],) if moves else (0,),
        )[0][0]
        if not moves or seen > 1:
            return Outcome("refused", "no adjustment") if not moves else Outcome("VIOLATION", "")
        return judge_postings(postings(ctx, "p.stock_move_id = %s", (moves[0][0],)))

    return attempt(call, check)


def try_unbuild(ctx, admin, setup, client):
    def judge(order, unbuild):
        if state_of(ctx, "mrp_unbuild", unbuild) != "done":
            return Outcome("refused", "unbuild not done")
        return judge_postings(postings(ctx, "p.unbuild_id = %s", (unbuild,)), order)

    return forged_on_done_order(
        admin,
        setup,
        client,
        "mrp.unbuild",
        lambda order: {
            "product_id": setup.completion_product,
            "mo_id": order,
            "product_qty": 1.0,
        },
        "action_unbuild",
        judge,
    )


def try_lot_swap(ctx, admin, setup, client):
    order = done_order(admin, setup)
    (line, quantity) = ctx.sql(
        """SELECT ml.id, ml.quantity FROM stock_move_line ml
             JOIN stock_move sm ON sm.id = ml.move_id
            WHERE sm.raw_material_production_id = %s ORDER BY ml.id LIMIT 1""",
        (order,),
    )[0]

    def check():
        (now,) = ctx.sql("SELECT quantity FROM stock_move_line WHERE id = %s", (line,))[0]
        if abs(float(now) - float(quantity)) > 1e-6:
            return Outcome("VIOLATION", f"done quantity {quantity} -> {now}, nothing posted")
        return Outcome("ok", "quantity unchanged")

    return attempt(
        lambda: client.forged(
            "stock.move.line", "write", [line], {"quantity": float(quantity) + 3}
        ),
        check,
    )


def try_variance_wizard(ctx, admin, setup, client):
    """The wizard's hidden fields forged: preview lines of 1,000,000 and state draft."""

    def judge(order, _wizard):
        found = postings(ctx, "p.production_id = %s AND p.kind = 'scrap'", (order,))
        outcome = judge_postings(found, order)
        if outcome.kind != "costed":
            return outcome
        (total,) = ctx.sql(
            "SELECT sum(debit) FROM account_move_line WHERE move_id = %s", (found[0][4],)
        )[0]
        (standard,) = ctx.sql(
            "SELECT (standard_price ->> %s)::numeric FROM product_product WHERE id = %s",
            (str(setup.company), setup.frame),
        )[0]
        if abs(float(total) - float(standard)) > 0.005:
            return Outcome("VIOLATION", f"scrap entry of {total} for a frame of {standard}")
        return Outcome("costed", "scrap at standard")

    return forged_on_done_order(
        admin,
        setup,
        client,
        "mrp.backflush.variance.wizard",
        lambda order: {
            "production_id": order,
            "line_ids": [[0, 0, {"product_id": setup.frame, "quantity": 1.0}]],
            "preview_line_ids": [[0, 0, {"account_id": False, "label": "forged", "debit": 1e6}]],
        },
        "action_post",
        judge,
    )


def forged_on_done_order(admin, setup, client, model, values, method, judge):
    """On a new done order: a record of ``model`` created from values(order), then
    ``method`` called on it, both with the forged context; what goes through is judged
    by judge(order, the record)."""
    order = done_order(admin, setup)
    created = []

    def call():
        created.append(client.forged(model, "create", values(order)))
        client.forged(model, method, created)

    return attempt(call, lambda: judge(order, created[0]))
