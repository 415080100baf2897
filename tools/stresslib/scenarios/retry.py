"""A queued posting retried by two clients and the scheduled action at the same moment
(scenario 6): posted once, with one balanced entry; and the check of a posting retried
(or posted from Pending) so, which scenario 7 shares."""

from ..plant import close_now, company_setting
from ..race import Tally, run_clients
from .closes import check_closed_once

# The account scenario 6 removes from the finished product's category for a completion
# (a completion needs it whatever its variance), and the scheduled action it triggers.
RETRY_ACCOUNT = "property_backflush_usage_variance_account_id"
RETRY_CRON = "mrp_backflush.ir_cron_backflush_retry_failed"


def scenario_retry_race(ctx, row):
    """6. Per order: its completion is queued (the company queues blocked postings and
    the finished product's category lacks one account), the account is put back, then
    two clients Retry that Failed posting (action_retry) and a third runs the scheduled
    action at the same moment. The scheduled action's method is private, so not callable
    over XML-RPC: ir.cron's method_direct_trigger runs it in the server (an administrator
    may: it asks for write access to ir.cron). It retries every Failed posting, so each
    round queues one order only: the three contend for that one posting."""
    admin = ctx.client()
    (product,) = admin.call("product.product", "read", [ctx.plant.product], ["categ_id"])
    category = product["categ_id"][0]
    (saved,) = admin.call("product.category", "read", [category], [RETRY_ACCOUNT])
    account_id = saved[RETRY_ACCOUNT] and saved[RETRY_ACCOUNT][0]
    cron = admin.ref(RETRY_CRON)
    if not account_id or not cron:
        raise RuntimeError(f"no {RETRY_ACCOUNT} on category {category} or no {RETRY_CRON}")
    postings, posted_by_retry = [], 0
    with company_setting(admin, "backflush_blocked_posting", "queue"):
        try:
            for order in row.orders:
                if ctx.remaining() < 10:
                    row.problems.append("stopped before the last rounds: the time limit is near")
                    break
                posting = queue_completion(ctx, admin, row, order, category, account_id)
                if posting is None:
                    continue
                postings.append(posting)
                posted_by_retry += race_retry(ctx, row, posting, cron)
                replay_retry(ctx, admin, row, posting)
        finally:
            admin.call("product.category", "write", [category], {RETRY_ACCOUNT: account_id})
    if postings:
        row.notes.append(
            f"{len(postings)} queued posting(s): {posted_by_retry} posted by a Retry, "
            f"{len(postings) - posted_by_retry} by the scheduled action (or a replay)"
        )
    row.violations += check_retried(ctx, postings)
    row.violations += check_closed_once(ctx, row.orders)


def queue_completion(ctx, admin, row, order, category, account_id):
    """Complete ``order`` while its category lacks RETRY_ACCOUNT, then put it back; its
    completion must give one Failed posting without an entry. Returns its id, or None
    (a violation) when it does not."""
    admin.call("product.category", "write", [category], {RETRY_ACCOUNT: False})
    try:
        close_now(admin, [order])
    finally:
        admin.call("product.category", "write", [category], {RETRY_ACCOUNT: account_id})
    found = ctx.sql(
        """
        SELECT p.id, p.name, p.state, p.move_id, p.failure_reason
          FROM mrp_backflush_posting p
         WHERE p.production_id = %s AND p.kind = 'completion'
        """,
        (order,),
    )
    if len(found) != 1 or found[0][2] != "failed" or found[0][3] is not None:
        seen = ", ".join(f"{name} {state} entry {move}" for _id, name, state, move, _r in found)
        row.violations.append(
            f"order {order} completed without {RETRY_ACCOUNT} in a company that queues: "
            f"{seen or 'no posting'} (expected one Failed posting without entry)"
        )
        return None
    posting, name, _state, _move, reason = found[0]
    if not any(note.startswith("queued because") for note in row.notes):
        row.notes.append(f"queued because: {(reason or '').splitlines()[0][:120]}")
    (others,) = ctx.sql(
        "SELECT count(*) FROM mrp_backflush_posting WHERE state = 'failed' AND id <> %s",
        (posting,),
    )
    if others[0]:
        row.notes.append(f"{name}: {others[0]} other Failed posting(s) for the scheduled action")
    return posting


def retry_message(result):
    """The notification action_retry returns: how many it posted, how many still fail."""
    params = result.get("params", {}) if isinstance(result, dict) else {}
    return params.get("message") or repr(result)[:120]


def race_retry(ctx, row, posting, cron):
    """Two Retry calls and the scheduled action at the same moment on ``posting``;
    returns how many of the Retry calls said they posted it."""
    said = []

    def describe(result):
        message = retry_message(result)
        said.append(message)
        return message

    race_retries_and_cron(ctx, row, [posting], cron, describe)
    return sum(message.startswith("1 postings posted") for message in said)


def race_retries_and_cron(ctx, row, postings, cron, describe=None):
    """At the same moment, two clients Retry (action_retry) ``postings`` and a third runs
    the scheduled action ``cron`` (ir.cron's method_direct_trigger); ``describe``: what
    to show of a Retry that went through."""

    def body(index, client, barrier):
        barrier.wait(timeout=60)
        if index < 2:
            row.tally.attempt(
                lambda: client.call("mrp.backflush.posting", "action_retry", postings),
                describe,
            )
        else:
            row.tally.attempt(lambda: client.call("ir.cron", "method_direct_trigger", [cron]))

    row.problems += run_clients(ctx, 3, body)


def replay_retry(ctx, admin, row, posting, tries=3):
    """When no contender posted ``posting`` (all refused or out of retries), Retry it
    once more alone; a retry that went through and left it Failed is a violation."""
    for _try in range(tries):
        (state,) = ctx.sql("SELECT state FROM mrp_backflush_posting WHERE id = %s", (posting,))
        if state[0] != "failed" or ctx.expired():
            return
        row.notes.append(f"posting {posting} still Failed after the race: retried alone")
        kind = Tally().attempt(
            lambda: admin.call("mrp.backflush.posting", "action_retry", [posting])
        )
        if kind != "retried":
            return


def check_retried(ctx, postings):
    """Per retried posting: the one register record of its event, posted, its retries
    never failed (the configuration was complete), holding one posted, balanced entry,
    the only backflush entry of its order."""
    rows = ctx.sql(
        """
        SELECT p.name, p.state, p.retry_count, p.failure_reason, p.pending_data,
               am.name, am.state,
               (SELECT count(*) FROM mrp_backflush_posting q WHERE q.event_key = p.event_key),
               (SELECT count(*) FROM account_move_line l WHERE l.move_id = am.id),
               (SELECT round(coalesce(sum(l.debit) - sum(l.credit), 0), 2)
                  FROM account_move_line l WHERE l.move_id = am.id),
               (SELECT string_agg(e.name || ' ' || e.state, ', ' ORDER BY e.id)
                  FROM account_move e WHERE e.backflush_production_id = p.production_id),
               (SELECT count(*) FROM account_move e
                 WHERE e.backflush_production_id = p.production_id)
          FROM mrp_backflush_posting p
          LEFT JOIN account_move am ON am.id = p.move_id
         WHERE p.id = ANY(%s)
         ORDER BY p.id
        """,
        (list(postings),),
    )
    violations = []
    for found in rows:
        name, state, retries, reason, pending, entry, entry_state = found[:7]
        records, lines, balance, entries, entry_count = found[7:]
        if state != "posted":
            first = (reason or "").splitlines()[:1]
            violations.append(f"{name}: {state} after the retries ({' '.join(first)[:120]})")
        if entry is None or entry_state != "posted" or not lines or balance != 0:
            violations.append(
                f"{name}: entry {entry} {entry_state}, {lines} lines, debit - credit "
                f"{balance} (expected one posted, balanced entry)"
            )
        if records != 1 or entry_count != 1:
            violations.append(
                f"{name}: {records} register record(s) for its event, backflush entries "
                f"of its order: {entries or 'none'} (expected 1 and 1: posted once)"
            )
        if retries or (state == "posted" and (reason or pending)):
            violations.append(
                f"{name}: {retries or 0} failed retr(y/ies) with the configuration complete, "
                f"reason {str(reason)[:80]!r}, pending data {'kept' if pending else 'cleared'}"
            )
    return violations
