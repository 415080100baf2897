"""18.0.1.0.0 -> 18.0.1.1.0: the register is keyed by an event key for every kind.

The finished-move column becomes the general stock move column, every existing posting
gets the key its event would get now, and the old per-completion constraint goes.
"""


def _column_exists(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [table, column],
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version:
        return
    table = "mrp_backflush_posting"
    if _column_exists(cr, table, "finished_move_id") and not _column_exists(
        cr, table, "stock_move_id"
    ):
        cr.execute(f"ALTER TABLE {table} RENAME COLUMN finished_move_id TO stock_move_id")
    cr.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS event_key varchar")
    cr.execute(
        f"""UPDATE {table}
               SET event_key = kind || ':' || COALESCE(stock_move_id::text, 'posting-' || id)
             WHERE event_key IS NULL"""
    )
    cr.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_completion_unique")
