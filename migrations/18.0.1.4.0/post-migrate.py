"""The close columns of the Backflush Register are zero, not empty, outside a close.

Before 18.0.1.4.0 a completion, shipment or scrap left Conversion Closed, Conversion
Incurred and Under/Over-Applied Written Off empty (NULL): the register's pivot summed
them to a blank cell where every other amount read 0.00.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE mrp_backflush_posting
           SET conversion_closed = COALESCE(conversion_closed, 0),
               conversion_incurred = COALESCE(conversion_incurred, 0),
               conversion_written_off = COALESCE(conversion_written_off, 0)
         WHERE conversion_closed IS NULL
            OR conversion_incurred IS NULL
            OR conversion_written_off IS NULL
        """
    )
