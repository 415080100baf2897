"""How an attempt is judged: refused, costed (exactly one posting holds its event,
nothing forged in it), ok (nothing the books hold changed) or VIOLATION; and the
register records the judges read."""

import xmlrpc.client
from dataclasses import dataclass

from ..client import classify


@dataclass
class Outcome:
    kind: str  # refused, costed, ok, VIOLATION, error
    detail: str = ""


def attempt(call, check):
    """Run ``call``; a refusal (UserError, ValidationError, AccessError) is 'refused',
    anything that went through is judged by ``check``() from the database."""
    try:
        call()
    except xmlrpc.client.Fault as fault:
        if "cannot marshal None" in str(fault.faultString):
            return check()
        if fault.faultCode in (2, 3, 4):  # UserError/ValidationError, AccessDenied, AccessError
            return Outcome("refused", str(fault.faultString).strip().splitlines()[0][:120])
        return Outcome("error", classify(fault)[1])
    return check()


def postings(ctx, where, params):
    return ctx.sql(
        f"""
        SELECT p.id, p.kind, p.state, p.event_key, p.move_id, p.production_id,
               p.failure_reason, coalesce(p.retry_count, 0), am.backflush_production_id,
               am.narration::text
          FROM mrp_backflush_posting p LEFT JOIN account_move am ON am.id = p.move_id
         WHERE {where}
        """,
        params,
    )


def judge_postings(found, production=None):
    """'costed' when exactly one posting holds the event, none of its values forged."""
    if len(found) != 1:
        return Outcome("VIOLATION", f"{len(found)} postings for the event")
    _id, kind, state, key, move, prod, reason, retries, entry_order, narration = found[0]
    forged = []
    if key == "forged" or (reason or "") == "forged" or retries == 99:
        forged.append("register values from the caller's defaults")
    if narration and "forged" in narration:
        forged.append("entry narration from the caller's defaults")
    if move and production and entry_order != production:
        forged.append(f"entry linked to order {entry_order}")
    if state != "posted" or not move:
        forged.append(f"state {state}, entry {move}")
    if forged:
        return Outcome("VIOLATION", "; ".join(forged))
    return Outcome("costed", f"{kind} posted")


def register_row(ctx, posting):
    return ctx.sql(
        "SELECT event_key, kind, state, quantity, move_id, note FROM mrp_backflush_posting "
        "WHERE id = %s",
        (posting,),
    )


def a_completion_posting(ctx):
    return ctx.sql(
        "SELECT id FROM mrp_backflush_posting WHERE kind = 'completion' AND state = 'posted' "
        "ORDER BY id LIMIT 1"
    )[0][0]


def state_of(ctx, table, record):
    """The state of the record ``record`` of the table ``table``."""
    return ctx.sql(f"SELECT state FROM {table} WHERE id = %s", (record,))[0][0]


def unchanged(read, violation, detail, compared=None):
    """A check that what read() gives (the compared() part of it, when given) is what it
    gave when the check was made: Outcome ok ``detail``, else a VIOLATION
    violation(what it gives now)."""
    compared = compared or (lambda value: value)
    before = read()

    def check():
        after = read()
        if compared(after) != compared(before):
            return Outcome("VIOLATION", violation(after))
        return Outcome("ok", detail)

    return check
