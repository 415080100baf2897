"""What the attack tier checks besides the stress tier's invariants: every delivery and
count of a Shipment-costed product posted once, the register unchanged but for notes,
nothing of one company readable by the other's user."""

import xmlrpc.client

from .judge import a_completion_posting

REGISTER_COLUMNS = (
    "id, event_key, kind, company_id, production_id, picking_id, unbuild_id, product_id, "
    "stock_move_id, move_id, quantity, material_standard, material_actual, "
    "conversion_standard, usage_variance, production_variance, scrap_variance, finished_value, "
    "date"
)

ATTACK_INVARIANTS = [
    (
        "every done delivery or count of a Shipment product posted once",
        """
        SELECT sm.id, format('move %s (%s) of a Shipment-costed product: %s postings',
                             sm.id, sm.reference, count(p.id))
          FROM stock_move sm
          JOIN product_product pp ON pp.id = sm.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN product_category pc ON pc.id = pt.categ_id
          JOIN stock_location src ON src.id = sm.location_id
          JOIN stock_location dst ON dst.id = sm.location_dest_id
          LEFT JOIN mrp_backflush_posting p ON p.stock_move_id = sm.id
         WHERE sm.state = 'done'
           AND pc.property_backflush_trigger ->> sm.company_id::text = 'shipment'
           AND (src.usage IN ('customer', 'inventory') OR dst.usage IN ('customer', 'inventory'))
         GROUP BY sm.id, sm.reference
        HAVING count(p.id) <> 1
        """,
    ),
]


def register_snapshot(ctx):
    return {row[0]: row for row in ctx.sql(f"SELECT {REGISTER_COLUMNS} FROM mrp_backflush_posting")}


def register_changes(before, after):
    changed = [
        f"register record {posting} changed: {before[posting]} -> {after.get(posting)}"
        for posting in before
        if after.get(posting) != before[posting]
    ]
    return changed


def cross_company_reads(ctx, client, setup):
    """What the other company's user can read of this company's backflush records."""
    seen = []
    count = client.call("mrp.backflush.posting", "search_count", [])
    if count:
        seen.append(f"{count} register records of another company listed")
    entries = client.call("account.move", "search_count", [("backflush_posting_ids", "!=", False)])
    if entries:
        seen.append(f"{entries} backflush entries of another company listed")
    posting = a_completion_posting(ctx)
    try:
        client.call("mrp.backflush.posting", "read", [posting], ["name", "move_id"])
    except xmlrpc.client.Fault:
        pass
    else:
        seen.append(f"register record {posting} of another company read")
    return seen
