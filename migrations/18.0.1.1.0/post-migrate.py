"""Tag the journal items of entries posted by 18.0.1.0.0 with their backflush kind.

Reversals (unbuilds) rebuild an entry from its kind-tagged items; 18.0.1.0.0 only
posted completions, whose item labels end with the line's label.
"""

LABEL_KINDS = [
    ("finished goods at standard", "finished"),
    ("material consumed", "material"),
    ("material standard (clearing)", "clearing"),
    ("conversion costs applied", "conversion"),
    ("material usage variance", "usage_variance"),
    ("production variance", "production_variance"),
    ("by-product at standard", "byproduct"),
    ("rounding difference", "rounding"),
]


def migrate(cr, version):
    if not version:
        return
    for label, kind in LABEL_KINDS:
        cr.execute(
            """UPDATE account_move_line line
                  SET backflush_kind = %s
                 FROM mrp_backflush_posting posting
                WHERE posting.move_id = line.move_id
                  AND line.backflush_kind IS NULL
                  AND line.name LIKE %s""",
            [kind, f"%: {label}"],
        )
