"""The register's new Rework Variance column reads 0.00, not empty, on older records, and
their scraps get their Reason (the scrap reasons, as the register now groups them)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE mrp_backflush_posting SET rework_variance = 0 WHERE rework_variance IS NULL")
    cr.execute(
        """
        UPDATE mrp_backflush_posting posting
           SET reason = reasons.names
          FROM (
                SELECT rel.mrp_backflush_posting_id AS posting_id,
                       string_agg(
                           DISTINCT tag.name ->> 'en_US', ', ' ORDER BY tag.name ->> 'en_US'
                       ) AS names
                  FROM mrp_backflush_posting_stock_scrap_rel rel
                  JOIN stock_scrap_stock_scrap_reason_tag_rel tags
                    ON tags.stock_scrap_id = rel.stock_scrap_id
                  JOIN stock_scrap_reason_tag tag ON tag.id = tags.stock_scrap_reason_tag_id
              GROUP BY rel.mrp_backflush_posting_id
               ) reasons
         WHERE posting.id = reasons.posting_id
           AND posting.kind = 'scrap'
           AND posting.reason IS NULL
        """
    )
