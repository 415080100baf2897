"""Deferred completions (scenario 7): four clients close orders of a company that posts
in batches, each completion recorded Pending without entry; then two clients Post Now
and the scheduled action post them at the same moment, each once."""

from ..plant import close_now, company_setting
from ..race import Tally, run_clients
from .closes import check_closed_once
from .retry import check_retried, race_retries_and_cron

PENDING_CRON = "mrp_backflush.ir_cron_backflush_post_pending"


def scenario_deferred_race(ctx, row):
    """7. The company posts in batches (deferred): 4 clients close the orders at once,
    each completion must be recorded Pending, without entry; then two clients Post Now
    (action_retry) all of them and a third runs the scheduled action that posts pending
    postings (method_direct_trigger), at the same moment. Each must be posted once."""
    admin = ctx.client()
    cron = admin.ref(PENDING_CRON)
    if not cron:
        raise RuntimeError(f"no {PENDING_CRON}")
    with company_setting(admin, "backflush_posting_mode", "deferred"):
        chunks = [row.orders[index::4] for index in range(4)]

        def close_body(index, client, barrier):
            barrier.wait(timeout=60)
            if chunks[index]:
                row.tally.attempt(lambda: close_now(client, chunks[index]))

        row.problems += run_clients(ctx, 4, close_body)
    found = ctx.sql(
        "SELECT id, state, move_id FROM mrp_backflush_posting "
        "WHERE production_id = ANY(%s) AND kind = 'completion' ORDER BY id",
        (list(row.orders),),
    )
    early = [posting for posting, state, move in found if state != "pending" or move]
    if early:
        row.violations.append(
            f"{len(early)} of {len(found)} deferred completions not Pending without entry "
            "right after the close"
        )
    postings = [posting for posting, _state, _move in found]
    if not postings:
        row.violations.append("no completion recorded for the deferred closes")
        return

    race_retries_and_cron(ctx, row, postings, cron)
    (left,) = ctx.sql(
        "SELECT count(*) FROM mrp_backflush_posting WHERE id = ANY(%s) AND state = 'pending'",
        (postings,),
    )
    if left[0]:  # every contender refused (rows locked by another): post the rest alone
        row.notes.append(f"{left[0]} still Pending after the race: posted alone")
        Tally().attempt(lambda: admin.call("mrp.backflush.posting", "action_retry", postings))
    row.notes.append(f"{len(postings)} deferred completions recorded Pending, then posted")
    row.violations += check_retried(ctx, postings)
    row.violations += check_closed_once(ctx, row.orders)
