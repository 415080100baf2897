"""What must hold over the whole database after any scenario or attempt, checked with
SQL: one posting per event, every entry balanced, posted and held by its posting, every
done move of a backflushed order covered, nothing half-done, nothing left queued."""

# Orders that backflush costs: done orders whose product's category is under a trigger
# in the order's company (property_backflush_trigger is company-dependent: jsonb keyed by
# company id, no key meaning the default, None), and every order with a posting.
BACKFLUSHED = """
    backflushed AS (
        SELECT mp.id
          FROM mrp_production mp
          JOIN product_product pp ON pp.id = mp.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN product_category pc ON pc.id = pt.categ_id
         WHERE mp.state = 'done'
           AND coalesce(pc.property_backflush_trigger ->> mp.company_id::text, 'none')
               IN ('completion', 'completion_only', 'shipment')
        UNION
        SELECT production_id FROM mrp_backflush_posting WHERE production_id IS NOT NULL
    )
"""

# (label, SQL returning (production id or NULL, description) per violation)
INVARIANTS = [
    (
        "(a) one completion posting per order and finished move",
        """
        SELECT production_id, format('%s completion postings for order %s and move %s',
                                     count(*), min(name), stock_move_id)
          FROM mrp_backflush_posting
         WHERE kind = 'completion'
         GROUP BY production_id, stock_move_id
        HAVING count(*) > 1
        """,
    ),
    (
        "(a) a done backflushed order has one completion posting",
        f"""
        WITH {BACKFLUSHED}
        SELECT mp.id, format('%s is done with %s completion postings', mp.name, count(p.id))
          FROM mrp_production mp
          JOIN backflushed b ON b.id = mp.id
          JOIN mrp_backflush_posting p ON p.production_id = mp.id AND p.kind = 'completion'
         WHERE mp.state = 'done'
         GROUP BY mp.id, mp.name
        HAVING count(p.id) > 1
        """,
    ),
    (
        "(b) every entry of a posting balanced and posted",
        """
        SELECT p.production_id,
               format('entry %s of %s (%s): debit %s, credit %s, state %s', am.name, p.name,
                      p.kind, sum(aml.debit), sum(aml.credit), am.state)
          FROM (SELECT DISTINCT move_id, production_id, name, kind
                  FROM mrp_backflush_posting WHERE move_id IS NOT NULL) p
          JOIN account_move am ON am.id = p.move_id
          LEFT JOIN account_move_line aml ON aml.move_id = am.id
         GROUP BY p.production_id, p.name, p.kind, am.id, am.name, am.state
        HAVING round(coalesce(sum(aml.debit), 0) - coalesce(sum(aml.credit), 0), 2) <> 0
            OR am.state <> 'posted'
        """,
    ),
    (
        "(c) done component/finished moves covered by a completion",
        f"""
        WITH {BACKFLUSHED}
        SELECT mp.id, format('%s: done move %s (%s) not covered by a completion posting',
                             mp.name, sm.id, sm.reference)
          FROM stock_move sm
          JOIN backflushed b ON b.id = coalesce(sm.raw_material_production_id, sm.production_id)
          JOIN mrp_production mp ON mp.id = b.id
         WHERE sm.state = 'done' AND NOT coalesce(sm.scrapped, false)
           AND sm.unbuild_id IS NULL AND sm.consume_unbuild_id IS NULL
           AND NOT EXISTS (
                SELECT 1 FROM mrp_backflush_posting p
                 WHERE p.kind = 'completion' AND p.production_id = mp.id
                   AND (sm.production_id IS NULL OR sm.product_id <> mp.product_id
                        OR p.stock_move_id = sm.id
                        OR abs(p.date - (sm.date AT TIME ZONE 'UTC')::date) <= 1))
        """,
    ),
    (
        "(c) done unbuilds covered by a reversal posting",
        """
        SELECT u.mo_id, format('unbuild %s (order %s) is done without a reversal posting',
                               u.name, u.mo_id)
          FROM mrp_unbuild u
          JOIN product_product pp ON pp.id = u.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN product_category pc ON pc.id = pt.categ_id
         WHERE u.state = 'done'
           AND (u.mo_id IN (SELECT production_id FROM mrp_backflush_posting
                             WHERE kind = 'completion')
                OR (u.mo_id IS NULL
                    AND coalesce(pc.property_backflush_trigger ->> u.company_id::text, 'none')
                        IN ('completion', 'completion_only', 'shipment')))
           AND NOT EXISTS (SELECT 1 FROM mrp_backflush_posting p
                            WHERE p.kind = 'reversal' AND p.unbuild_id = u.id)
        """,
    ),
    (
        "(c) done scraps of backflushed orders covered by a scrap posting",
        f"""
        WITH {BACKFLUSHED}
        SELECT s.production_id, format('scrap %s of order %s has no scrap posting',
                                       s.name, s.production_id)
          FROM stock_scrap s
          JOIN backflushed b ON b.id = s.production_id
          JOIN product_product pp ON pp.id = s.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE s.state = 'done' AND pt.is_storable
           AND NOT EXISTS (
                SELECT 1 FROM mrp_backflush_posting_stock_scrap_rel r
                  JOIN mrp_backflush_posting p ON p.id = r.mrp_backflush_posting_id
                 WHERE r.stock_scrap_id = s.id AND p.kind = 'scrap')
        """,
    ),
    (
        "(d) no done backflushed order without a completion posting",
        f"""
        WITH {BACKFLUSHED}
        SELECT mp.id, format('%s is done without a completion posting', mp.name)
          FROM mrp_production mp
          JOIN backflushed b ON b.id = mp.id
         WHERE mp.state = 'done'
           AND NOT EXISTS (SELECT 1 FROM mrp_backflush_posting p
                            WHERE p.production_id = mp.id AND p.kind = 'completion')
        """,
    ),
    (
        "(d) no completion posting of an order not done",
        """
        SELECT mp.id, format('%s is %s but has completion posting %s', mp.name, mp.state,
                             p.name)
          FROM mrp_backflush_posting p
          JOIN mrp_production mp ON mp.id = p.production_id
         WHERE p.kind = 'completion' AND mp.state <> 'done'
        """,
    ),
    (
        "(d) no posting whose entry is missing",
        """
        SELECT p.production_id, format('posting %s (%s) has no journal entry', p.name, p.kind)
          FROM mrp_backflush_posting p
          LEFT JOIN account_move am ON am.id = p.move_id
         WHERE am.id IS NULL AND p.state NOT IN ('failed', 'pending')
           AND NOT (p.kind = 'completion' AND p.trigger = 'shipment')
        """,
    ),
    (
        "(a) every backflush entry held by a register record",
        """
        SELECT am.backflush_production_id,
               format('entry %s (%s, %s) has backflush lines but no register record holds '
                      'it: posted twice?', am.name, am.ref, am.state)
          FROM account_move am
         WHERE EXISTS (SELECT 1 FROM account_move_line l
                        WHERE l.move_id = am.id AND l.backflush_kind IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM mrp_backflush_posting p WHERE p.move_id = am.id)
        """,
    ),
    (
        "(d) a Failed or Pending posting has no entry, a posted one nothing pending",
        """
        SELECT p.production_id,
               format('posting %s (%s) is %s with entry %s, %s failed retries, pending data '
                      '%s, reason %s', p.name, p.kind, p.state,
                      coalesce(p.move_id::text, 'none'), coalesce(p.retry_count, 0),
                      CASE WHEN p.pending_data IS NULL THEN 'none' ELSE 'kept' END,
                      coalesce(left(p.failure_reason, 80), 'none'))
          FROM mrp_backflush_posting p
         WHERE (p.state IN ('failed', 'pending') AND p.move_id IS NOT NULL)
            OR (p.state = 'pending' AND coalesce(p.failure_reason, '') <> '')
            OR (p.state NOT IN ('failed', 'pending')
                AND (coalesce(p.pending_data, '') <> '' OR coalesce(p.failure_reason, '') <> ''))
        """,
    ),
    (
        # Queued postings wait for missing configuration; the stress plant has it all, and
        # scenario 6 puts back the account it removes before it retries: every posting it
        # queued must end posted; scenario 7 posts every one it deferred. Nothing is left
        # out.
        "(d) no posting left queued (Failed) or Pending in a configured plant",
        """
        SELECT p.production_id, format('posting %s (%s) is %s: %s', p.name, p.kind, p.state,
                                       coalesce(left(p.failure_reason, 120), 'not posted'))
          FROM mrp_backflush_posting p
         WHERE p.state IN ('failed', 'pending')
        """,
    ),
]


def check_invariants(ctx, invariants=INVARIANTS):
    """[(label, [(production id, description)])] of ``invariants`` over the whole
    database."""
    return [(label, ctx.sql(query)) for label, query in invariants]
