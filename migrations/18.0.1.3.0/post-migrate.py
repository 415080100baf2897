"""Period closes get columns of their own in the Backflush Register.

Before 18.0.1.3.0 a close kept the applied conversion costs it closed in Conversion
Standard and its write-off in Production Variance, so the register's totals of those
columns mixed what completions applied with what closes took out. Move them to
Conversion Closed (applied) and Under/Over-Applied Written Off; what was incurred is
their sum (the write-off is incurred minus closed).
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE mrp_backflush_posting
           SET conversion_closed = COALESCE(conversion_standard, 0),
               conversion_written_off = COALESCE(production_variance, 0),
               conversion_incurred = COALESCE(conversion_standard, 0)
                                     + COALESCE(production_variance, 0),
               conversion_standard = 0,
               production_variance = 0
         WHERE kind = 'period_close'
        """
    )
