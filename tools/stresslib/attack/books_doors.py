"""The doors of the books, tried by a role with the forged context: write, create,
unlink and Retry on the register; Post and a state write on a computed standard cost
update; Reset to Draft, a state write, Cancel, unlink, an item's debit and Odoo's
reversal wizard on a backflush entry."""

import time

from .judge import Outcome, a_completion_posting, attempt, register_row, state_of, unchanged


def try_register_write(ctx, _admin, _setup, client):
    return register_write(
        ctx,
        client,
        {"event_key": f"forged-{client.login}", "quantity": 999.0, "state": "reversed"},
        lambda posting, after: f"register record {posting} rewritten: {after}",
        "unchanged",
    )


def try_register_note(ctx, _admin, _setup, client):
    return register_write(
        ctx,
        client,
        {"note": f"note by {client.login}"},
        lambda _posting, after: f"writing the note changed {after}",
        "note written",
        compared=lambda rows: rows[0][:5],
    )


def register_write(ctx, client, values, violation, detail, compared=None):
    """A write of ``values`` on a posted completion's register record: it must leave
    the record (its compared() part) as it was; violation(posting, the record after)."""
    posting = a_completion_posting(ctx)
    check = unchanged(
        lambda: register_row(ctx, posting),
        lambda after: violation(posting, after),
        detail,
        compared,
    )
    return attempt(
        lambda: client.forged("mrp.backflush.posting", "write", [posting], values), check
    )


def try_register_create(ctx, _admin, setup, client):
    key = f"forged-create-{client.login}"

    def check():
        found = ctx.sql("SELECT id FROM mrp_backflush_posting WHERE event_key = %s", (key,))
        return Outcome("VIOLATION", "a register record created by hand") if found else Outcome("ok")

    return attempt(
        lambda: client.forged(
            "mrp.backflush.posting",
            "create",
            {
                "name": "forged",
                "event_key": key,
                "kind": "completion",
                "company_id": setup.company,
                "state": "posted",
            },
        ),
        check,
    )


def try_register_unlink(ctx, _admin, _setup, client):
    posting = a_completion_posting(ctx)

    def check():
        found = ctx.sql("SELECT id FROM mrp_backflush_posting WHERE id = %s", (posting,))
        return (
            Outcome("ok") if found else Outcome("VIOLATION", f"register record {posting} deleted")
        )

    return attempt(lambda: client.forged("mrp.backflush.posting", "unlink", [posting]), check)


def try_register_retry(ctx, _admin, _setup, client):
    posting = a_completion_posting(ctx)
    (move,) = ctx.sql("SELECT move_id FROM mrp_backflush_posting WHERE id = %s", (posting,))[0]

    def check():
        entries = ctx.sql("SELECT count(*) FROM mrp_backflush_posting WHERE move_id = %s", (move,))[
            0
        ][0]
        return Outcome("ok", "nothing reposted") if entries == 1 else Outcome("VIOLATION", "")

    return attempt(lambda: client.forged("mrp.backflush.posting", "action_retry", [posting]), check)


# Roles that may post a standard cost update of the company (Invoicing / Administrator).
UPDATE_POSTERS = ("acc_admin", "admin")
_update_days = iter(range(1, 1000))


def computed_update(admin, setup):
    """A computed standard cost update of the frame, its planned price 0.01 up, dated a
    day earlier each time (one update per product and date)."""
    day = next(_update_days)
    date = time.strftime("%Y-%m-%d", time.gmtime(time.time() - day * 86400))
    update = admin.call(
        "mrp.backflush.standard.update",
        "create",
        {"product_ids": [[6, 0, [setup.frame]]], "effective_date": date},
    )
    admin.call("mrp.backflush.standard.update", "action_compute", [update])
    (line,) = admin.call(
        "mrp.backflush.standard.update.line",
        "search_read",
        [("update_id", "=", update)],
        fields=["planned_price"],
    )
    admin.call(
        "mrp.backflush.standard.update.line",
        "write",
        [line["id"]],
        {"planned_price": line["planned_price"] + 0.01},
    )
    admin.call("mrp.backflush.standard.update", "action_compute", [update])
    return update


def try_update_post(ctx, admin, setup, client):
    update = computed_update(admin, setup)
    role = next(key for key, (login, _pw) in setup.users.items() if login == client.login)

    def check():
        state = state_of(ctx, "mrp_backflush_standard_update", update)
        if state == "posted" and role not in UPDATE_POSTERS:
            return Outcome("VIOLATION", f"standard cost update {update} posted by {role}")
        return Outcome("costed", state) if state == "posted" else Outcome("ok", state)

    return attempt(
        lambda: client.forged("mrp.backflush.standard.update", "action_post", [update]), check
    )


def try_update_state(ctx, admin, setup, client):
    update = computed_update(admin, setup)

    def check():
        state = state_of(ctx, "mrp_backflush_standard_update", update)
        if state != "computed":
            return Outcome("VIOLATION", f"standard cost update {update} written {state}")
        return Outcome("ok", "unchanged")

    return attempt(
        lambda: client.forged(
            "mrp.backflush.standard.update", "write", [update], {"state": "scheduled"}
        ),
        check,
    )


def an_entry(ctx):
    return ctx.sql(
        "SELECT move_id FROM mrp_backflush_posting WHERE kind = 'completion' AND state = "
        "'posted' AND move_id IS NOT NULL ORDER BY id LIMIT 1"
    )[0][0]


def entry_state(ctx, entry):
    return ctx.sql(
        "SELECT am.state, sum(l.debit), sum(l.credit), count(l.id), "
        "string_agg(l.account_id::text || ':' || l.balance::text, ',' ORDER BY l.id) "
        "FROM account_move am LEFT JOIN account_move_line l ON l.move_id = am.id "
        "WHERE am.id = %s GROUP BY am.state",
        (entry,),
    )


def entry_attempt(ctx, client, method, *args):
    entry = an_entry(ctx)
    check = unchanged(
        lambda: entry_state(ctx, entry),
        lambda after: f"entry {entry} changed: {after}",
        "entry unchanged",
    )

    def call():
        if method == "write_line":
            (line,) = ctx.sql(
                "SELECT id FROM account_move_line WHERE move_id = %s ORDER BY id LIMIT 1", (entry,)
            )[0]
            client.forged("account.move.line", "write", [line], {"debit": 12345.0})
        elif method == "reverse":
            wizard = client.forged(
                "account.move.reversal",
                "create",
                {"move_ids": [[6, 0, [entry]]], "journal_id": False},
                context={"active_model": "account.move", "active_ids": [entry]},
            )
            client.forged("account.move.reversal", "reverse_moves", [wizard])
        else:
            client.forged("account.move", method, [entry], *args)

    return attempt(call, check)
