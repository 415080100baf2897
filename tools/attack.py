"""Attack tier driver: every door of backflush costing tried over real XML-RPC, per role.

tools/stress (``tools/stress attack``) has created a fresh database with the demo data
and started odoo-bin with 2 workers. This driver sets up, as admin over XML-RPC, a
Completion plant (the demo's) and a Shipment plant, one user per role the README names
and a second company with its own user; then each role tries, with nothing but its own
rights and a context full of forged keys (every key the module reads or used to read,
Odoo's ``default_*`` values for the register's and the entries' fields, Odoo's
``check_move_validity``, ``active_test`` and ``location``):

- every public method that moves stock or posts: mark done, scrap, a delivery, an
  inventory adjustment, an unbuild, the Record Scrap / Variance wizard with forged
  hidden fields, Retry on the register;
- create, write and unlink on the register, on backflush entries and their items, and
  a reversal of an entry through Odoo's wizard;
- a change of a done quantity (the lot-swap door) and reads across companies.

Each attempt ends "refused" (an access error, a UserError), "costed" (it went through
and its event has exactly one posting, at standard, with a balanced entry), "ok" (it
went through and changed nothing the books hold: a note) or VIOLATION. Then SQL checks
the whole database (tools/stress's invariants and this tier's own: every delivery of a
Shipment-costed product posted, the register unchanged but for notes, no record of one
company readable by the other). It prints a table, role x attempt, and exits 1 on any
violation.

    python tools/attack.py run --url URL --db DB --master-pid PID --deadline EPOCH
"""

import argparse
import sys
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stress  # noqa: E402  (tools/stress.py, beside this file)

# The context every attempt carries: what a caller could use to switch costing off,
# to slip values into the records the posting path creates, or to skew what it reads.
FORGED_CONTEXT = {
    "backflush_scrap_batch": True,
    "backflush_interim_only": True,
    "backflush_lot_swap": True,
    "backflush_register_update": True,
    "default_event_key": "forged",
    "default_failure_reason": "forged",
    "default_retry_count": 99,
    "default_pending_data": "{}",
    "default_backflush_production_id": 1,
    "default_narration": "forged",
    "check_move_validity": False,
    "skip_account_move_synchronization": True,
    "active_test": False,
    "location": 1,
}

ROLES = [
    # (key, title, login, groups (xml ids), in the second company only)
    ("operator", "operator (Manufacturing / User)", "operator", None, False),
    ("stock", "stock user", "attack_stock", ["stock.group_stock_user"], False),
    ("accountant", "accountant (Backflush / Accountant)", "accountant", None, False),
    (
        "acc_admin",
        "accounting administrator",
        "attack_acc_admin",
        ["account.group_account_manager"],
        False,
    ),
    (
        "mrp_admin",
        "manufacturing administrator",
        "attack_mrp_admin",
        ["mrp.group_mrp_manager"],
        False,
    ),
    (
        "other",
        "user of another company",
        "attack_other",
        ["mrp.group_mrp_manager", "stock.group_stock_manager", "account.group_account_manager"],
        True,
    ),
    ("admin", "admin (Settings, every app)", "admin", None, False),
]
DEMO_PASSWORDS = {"operator": "operator", "accountant": "accountant", "admin": "admin"}
ATTACK_PASSWORD = "attack-tier-1"


class RoleClient(stress.Client):
    """An XML-RPC client logged in as one user; every call carries FORGED_CONTEXT."""

    def __init__(self, ctx, login, password):  # pylint: disable=super-init-not-called
        self.db = ctx.db
        self.login = login
        self.password = password
        transport = stress.TimeoutTransport(max(5.0, min(120.0, ctx.remaining())))
        common = xmlrpc.client.ServerProxy(f"{ctx.url}/xmlrpc/2/common", transport=transport)
        self.uid = common.authenticate(ctx.db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in to {ctx.db} as {login}")
        self.models = xmlrpc.client.ServerProxy(
            f"{ctx.url}/xmlrpc/2/object",
            transport=stress.TimeoutTransport(max(5.0, min(120.0, ctx.remaining()))),
            allow_none=True,
        )

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def forged(self, model, method, *args, **kwargs):
        """Call with the forged context (merged into any context given)."""
        kwargs["context"] = {**FORGED_CONTEXT, **kwargs.get("context", {})}
        return self.call(model, method, *args, **kwargs)


@dataclass
class Outcome:
    kind: str  # refused, costed, ok, VIOLATION, error
    detail: str = ""


@dataclass
class Setup:
    """What the attempts work on, made by admin."""

    company: int
    other_company: int
    stock_location: int
    customer_location: int
    components: list
    completion_product: int
    completion_bom: int
    shipment_product: int
    frame: int
    users: dict = field(default_factory=dict)  # role key -> (login, password)


# ---------------------------------------------------------------------------- set-up


def ensure_user(admin, login, groups, company, other_company):
    found = admin.call("res.users", "search", [("login", "=", login)])
    group_ids = [admin.ref(xmlid) for xmlid in groups]
    values = {
        "name": login.replace("_", " ").title(),
        "login": login,
        "email": f"{login}@example.com",  # the chatter of an unbuild posts as the user
        "password": ATTACK_PASSWORD,
        "groups_id": [[6, 0, [admin.ref("base.group_user"), *group_ids]]],
        "company_id": other_company or company,
        "company_ids": [[6, 0, [other_company or company]]],
    }
    if found:
        admin.call("res.users", "write", found, values)
        return found[0]
    return admin.call("res.users", "create", values)


def create_shipment_plant(admin, plant):
    """A Shipment-costed product made of the demo's components, 30 units on hand."""
    accounts = stress.category_accounts(admin)
    category = admin.call(
        "product.category",
        "create",
        {
            "name": "Attack shipment-costed",
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            **accounts,
        },
    )
    admin.call("product.category", "write", [category], {"property_backflush_trigger": "shipment"})
    shipped = stress.made_product(
        admin, "Attack shipped widget", category, plant.components, 100.0, 10.0
    )
    product, bom = shipped.product, shipped.bom
    order = admin.call(
        "mrp.production", "create", {"product_id": product, "bom_id": bom, "product_qty": 30.0}
    )
    admin.call("mrp.production", "action_confirm", [order])
    stress.close_now(admin, [order])
    return product


def set_up(ctx, admin):
    fixes = stress.prepare_plant(ctx, admin)
    plant = ctx.plant
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    other_company = admin.call("res.company", "create", {"name": "Attack Other Company"})
    admin.call(
        "res.users",
        "write",
        [admin.uid],
        {"company_ids": [[4, other_company]]},
    )
    frame = admin.ref("mrp_backflush.demo_product_frame") or plant.components[0]
    setup = Setup(
        company=company,
        other_company=other_company,
        stock_location=plant.location,
        customer_location=admin.ref("stock.stock_location_customers"),
        components=plant.components,
        completion_product=plant.product,
        completion_bom=plant.bom,
        shipment_product=create_shipment_plant(admin, plant),
        frame=frame,
    )
    for key, _title, login, groups, in_other in ROLES:
        if groups is None:
            setup.users[key] = (login, DEMO_PASSWORDS[login])
        else:
            ensure_user(admin, login, groups, company, other_company if in_other else None)
            setup.users[key] = (login, ATTACK_PASSWORD)
    return setup, fixes


# ---------------------------------------------------------------------------- helpers


def refused_or(error_kind_message, check):
    """The outcome of an attempt that raised (refused, or error) or went through (check)."""
    kind, message = error_kind_message
    if kind == "refused":
        return Outcome("refused", message)
    return Outcome("error", message) if kind != "ok" else check()


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
        return Outcome("error", stress.classify(fault)[1])
    return check()


def confirmed_order(admin, setup, product=None, quantity=2.0):
    return stress.confirmed_orders(
        admin,
        stress.Plant(
            product or setup.completion_product, setup.completion_bom, setup.components, None
        ),
        [quantity],
    )[0]


def done_order(admin, setup, quantity=4.0):
    order = confirmed_order(admin, setup, quantity=quantity)
    stress.close_now(admin, [order])
    return order


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


# ---------------------------------------------------------------------------- attempts


def try_mark_done(ctx, admin, setup, client):
    order = confirmed_order(admin, setup)

    def check():
        (state,) = ctx.sql("SELECT state FROM mrp_production WHERE id = %s", (order,))[0]
        if state != "done":
            return Outcome("refused", f"order left {state}")
        found = postings(ctx, "p.production_id = %s AND p.kind = 'completion'", (order,))
        return judge_postings(found, order)

    return attempt(lambda: client.forged("mrp.production", "button_mark_done", [order]), check)


def try_scrap(ctx, admin, setup, client):
    order = done_order(admin, setup)
    scrap_ids = []

    def call():
        scrap_ids.append(
            client.forged(
                "stock.scrap",
                "create",
                {
                    "production_id": order,
                    "product_id": setup.frame,
                    "scrap_qty": 1.0,
                    "location_id": setup.stock_location,
                },
            )
        )
        client.forged("stock.scrap", "do_scrap", scrap_ids)

    def check():
        (state,) = ctx.sql("SELECT state FROM stock_scrap WHERE id = %s", (scrap_ids[0],))[0]
        if state != "done":
            return Outcome("refused", "scrap not done")
        found = postings(
            ctx,
            "p.id IN (SELECT mrp_backflush_posting_id FROM mrp_backflush_posting_stock_scrap_rel"
            " WHERE stock_scrap_id = %s)",
            (scrap_ids[0],),
        )
        return judge_postings(found, order)

    return attempt(call, check)


def try_delivery(ctx, admin, setup, client):
    picking_type = admin.call(
        "stock.picking.type",
        "search",
        [("code", "=", "outgoing"), ("company_id", "=", setup.company)],
        limit=1,
    )[0]
    moves = []

    def call():
        picking = client.forged(
            "stock.picking",
            "create",
            {
                "picking_type_id": picking_type,
                "location_id": setup.stock_location,
                "location_dest_id": setup.customer_location,
                "move_ids": [
                    [
                        0,
                        0,
                        {
                            "name": "attack delivery",
                            "product_id": setup.shipment_product,
                            "product_uom_qty": 1.0,
                            "location_id": setup.stock_location,
                            "location_dest_id": setup.customer_location,
                        },
                    ]
                ],
            },
        )
        client.forged("stock.picking", "action_confirm", [picking])
        client.forged("stock.picking", "action_assign", [picking])
        (move,) = client.call("stock.picking", "read", [picking], ["move_ids"])[0]["move_ids"]
        moves.append(move)
        client.forged("stock.move", "write", [move], {"quantity": 1.0, "picked": True})
        client.forged("stock.picking", "button_validate", [picking])

    def check():
        if not moves:
            return Outcome("refused", "no delivery made")
        (state,) = ctx.sql("SELECT state FROM stock_move WHERE id = %s", (moves[0],))[0]
        if state != "done":
            return Outcome("refused", f"delivery left {state}")
        return judge_postings(postings(ctx, "p.stock_move_id = %s", (moves[0],)))

    return attempt(call, check)


def try_inventory(ctx, admin, setup, client):
    quants = []

    def call():
        quants.append(
            client.forged(
                "stock.quant",
                "create",
                {
                    "product_id": setup.shipment_product,
                    "location_id": setup.stock_location,
                    "inventory_quantity": 0.0,
                },
                context={"inventory_mode": True},
            )
        )
        (quant,) = client.call("stock.quant", "read", [quants[0]], ["quantity"])
        client.forged(
            "stock.quant",
            "write",
            quants,
            {"inventory_quantity": quant["quantity"] - 1.0},
            context={"inventory_mode": True},
        )
        client.forged("stock.quant", "action_apply_inventory", quants)

    def check():
        moves = ctx.sql(
            """SELECT sm.id FROM stock_move sm JOIN stock_location l ON l.id = sm.location_dest_id
                WHERE sm.product_id = %s AND sm.state = 'done' AND l.usage = 'inventory'
                  AND sm.is_inventory ORDER BY sm.id DESC LIMIT 1""",
            (setup.shipment_product,),
        )
        seen = ctx.sql(
            "SELECT count(*) FROM mrp_backflush_posting WHERE stock_move_id = %s",
            (moves[0][0],) if moves else (0,),
        )[0][0]
        if not moves or seen > 1:
            return Outcome("refused", "no adjustment") if not moves else Outcome("VIOLATION", "")
        return judge_postings(postings(ctx, "p.stock_move_id = %s", (moves[0][0],)))

    return attempt(call, check)


def try_unbuild(ctx, admin, setup, client):
    order = done_order(admin, setup)
    unbuilds = []

    def call():
        unbuilds.append(
            client.forged(
                "mrp.unbuild",
                "create",
                {"product_id": setup.completion_product, "mo_id": order, "product_qty": 1.0},
            )
        )
        client.forged("mrp.unbuild", "action_unbuild", unbuilds)

    def check():
        (state,) = ctx.sql("SELECT state FROM mrp_unbuild WHERE id = %s", (unbuilds[0],))[0]
        if state != "done":
            return Outcome("refused", "unbuild not done")
        return judge_postings(postings(ctx, "p.unbuild_id = %s", (unbuilds[0],)), order)

    return attempt(call, check)


def try_lot_swap(ctx, admin, setup, client):
    order = done_order(admin, setup)
    (line, quantity) = ctx.sql(
        """SELECT ml.id, ml.quantity FROM stock_move_line ml
             JOIN stock_move sm ON sm.id = ml.move_id
            WHERE sm.raw_material_production_id = %s ORDER BY ml.id LIMIT 1""",
        (order,),
    )[0]

    def check():
        (now,) = ctx.sql("SELECT quantity FROM stock_move_line WHERE id = %s", (line,))[0]
        if abs(float(now) - float(quantity)) > 1e-6:
            return Outcome("VIOLATION", f"done quantity {quantity} -> {now}, nothing posted")
        return Outcome("ok", "quantity unchanged")

    return attempt(
        lambda: client.forged(
            "stock.move.line", "write", [line], {"quantity": float(quantity) + 3}
        ),
        check,
    )


def try_variance_wizard(ctx, admin, setup, client):
    """The wizard's hidden fields forged: preview lines of 1,000,000 and state draft."""
    order = done_order(admin, setup)
    wizards = []

    def call():
        wizards.append(
            client.forged(
                "mrp.backflush.variance.wizard",
                "create",
                {
                    "production_id": order,
                    "line_ids": [[0, 0, {"product_id": setup.frame, "quantity": 1.0}]],
                    "preview_line_ids": [
                        [0, 0, {"account_id": False, "label": "forged", "debit": 1e6}]
                    ],
                },
            )
        )
        client.forged("mrp.backflush.variance.wizard", "action_post", wizards)

    def check():
        found = postings(ctx, "p.production_id = %s AND p.kind = 'scrap'", (order,))
        outcome = judge_postings(found, order)
        if outcome.kind != "costed":
            return outcome
        (total,) = ctx.sql(
            "SELECT sum(debit) FROM account_move_line WHERE move_id = %s", (found[0][4],)
        )[0]
        (standard,) = ctx.sql(
            "SELECT (standard_price ->> %s)::numeric FROM product_product WHERE id = %s",
            (str(setup.company), setup.frame),
        )[0]
        if abs(float(total) - float(standard)) > 0.005:
            return Outcome("VIOLATION", f"scrap entry of {total} for a frame of {standard}")
        return Outcome("costed", "scrap at standard")

    return attempt(call, check)


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


def try_register_write(ctx, _admin, _setup, client):
    posting = a_completion_posting(ctx)
    before = register_row(ctx, posting)

    def check():
        after = register_row(ctx, posting)
        if after != before:
            return Outcome("VIOLATION", f"register record {posting} rewritten: {after}")
        return Outcome("ok", "unchanged")

    return attempt(
        lambda: client.forged(
            "mrp.backflush.posting",
            "write",
            [posting],
            {"event_key": f"forged-{client.login}", "quantity": 999.0, "state": "reversed"},
        ),
        check,
    )


def try_register_note(ctx, _admin, _setup, client):
    posting = a_completion_posting(ctx)
    before = register_row(ctx, posting)

    def check():
        after = register_row(ctx, posting)
        if after[0][:5] != before[0][:5]:
            return Outcome("VIOLATION", f"writing the note changed {after}")
        return Outcome("ok", "note written")

    return attempt(
        lambda: client.forged(
            "mrp.backflush.posting", "write", [posting], {"note": f"note by {client.login}"}
        ),
        check,
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


def update_state(ctx, update):
    return ctx.sql("SELECT state FROM mrp_backflush_standard_update WHERE id = %s", (update,))[0][0]


def try_update_post(ctx, admin, setup, client):
    update = computed_update(admin, setup)
    role = next(key for key, (login, _pw) in setup.users.items() if login == client.login)

    def check():
        state = update_state(ctx, update)
        if state == "posted" and role not in UPDATE_POSTERS:
            return Outcome("VIOLATION", f"standard cost update {update} posted by {role}")
        return Outcome("costed", state) if state == "posted" else Outcome("ok", state)

    return attempt(
        lambda: client.forged("mrp.backflush.standard.update", "action_post", [update]), check
    )


def try_update_state(ctx, admin, setup, client):
    update = computed_update(admin, setup)

    def check():
        state = update_state(ctx, update)
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
    before = entry_state(ctx, entry)

    def check():
        after = entry_state(ctx, entry)
        if after != before:
            return Outcome("VIOLATION", f"entry {entry} changed: {after}")
        return Outcome("ok", "entry unchanged")

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


ATTEMPTS = [
    # (key, title, function); each function returns an Outcome
    ("mark_done", "mark done (button_mark_done)", try_mark_done),
    ("scrap", "Scrap button (stock.scrap do_scrap)", try_scrap),
    ("wizard", "Record scrap wizard, forged preview", try_variance_wizard),
    ("delivery", "delivery of a Shipment product", try_delivery),
    ("inventory", "inventory adjustment, Shipment product", try_inventory),
    ("unbuild", "unbuild (action_unbuild)", try_unbuild),
    ("lot_swap", "change a done quantity", try_lot_swap),
    ("reg_write", "register: write event key, quantity", try_register_write),
    ("reg_note", "register: write the note", try_register_note),
    ("reg_create", "register: create", try_register_create),
    ("reg_unlink", "register: unlink", try_register_unlink),
    ("reg_retry", "register: Retry a posted record", try_register_retry),
    ("upd_post", "standard cost update: Post", try_update_post),
    ("upd_state", "standard cost update: write state", try_update_state),
    (
        "entry_draft",
        "entry: button_draft",
        lambda c, a, s, cl: entry_attempt(c, cl, "button_draft"),
    ),
    (
        "entry_state",
        "entry: write state draft",
        lambda c, a, s, cl: entry_attempt(c, cl, "write", {"state": "draft"}),
    ),
    (
        "entry_cancel",
        "entry: button_cancel",
        lambda c, a, s, cl: entry_attempt(c, cl, "button_cancel"),
    ),
    ("entry_unlink", "entry: unlink", lambda c, a, s, cl: entry_attempt(c, cl, "unlink")),
    (
        "entry_line",
        "entry item: write debit",
        lambda c, a, s, cl: entry_attempt(c, cl, "write_line"),
    ),
    (
        "entry_reverse",
        "entry: Reverse (Odoo's wizard)",
        lambda c, a, s, cl: entry_attempt(c, cl, "reverse"),
    ),
]


# ---------------------------------------------------------------------------- invariants

REGISTER_COLUMNS = (
    "id, event_key, kind, company_id, production_id, picking_id, unbuild_id, product_id, "
    "stock_move_id, move_id, quantity, material_standard, material_actual, "
    "conversion_standard, usage_variance, production_variance, scrap_variance, finished_value, "
    "date"
)

ATTACK_INVARIANTS = [
    (
        "every done delivery or count of a Shipment product posted once",
        """
        SELECT sm.id, format('move %s (%s) of a Shipment-costed product: %s postings',
                             sm.id, sm.reference, count(p.id))
          FROM stock_move sm
          JOIN product_product pp ON pp.id = sm.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN product_category pc ON pc.id = pt.categ_id
          JOIN stock_location src ON src.id = sm.location_id
          JOIN stock_location dst ON dst.id = sm.location_dest_id
          LEFT JOIN mrp_backflush_posting p ON p.stock_move_id = sm.id
         WHERE sm.state = 'done'
           AND pc.property_backflush_trigger ->> sm.company_id::text = 'shipment'
           AND (src.usage IN ('customer', 'inventory') OR dst.usage IN ('customer', 'inventory'))
         GROUP BY sm.id, sm.reference
        HAVING count(p.id) <> 1
        """,
    ),
]


def register_snapshot(ctx):
    return {row[0]: row for row in ctx.sql(f"SELECT {REGISTER_COLUMNS} FROM mrp_backflush_posting")}


def register_changes(before, after):
    changed = [
        f"register record {posting} changed: {before[posting]} -> {after.get(posting)}"
        for posting in before
        if after.get(posting) != before[posting]
    ]
    return changed


def cross_company_reads(ctx, client, setup):
    """What the other company's user can read of this company's backflush records."""
    seen = []
    count = client.call("mrp.backflush.posting", "search_count", [])
    if count:
        seen.append(f"{count} register records of another company listed")
    entries = client.call("account.move", "search_count", [("backflush_posting_ids", "!=", False)])
    if entries:
        seen.append(f"{entries} backflush entries of another company listed")
    posting = a_completion_posting(ctx)
    try:
        client.call("mrp.backflush.posting", "read", [posting], ["name", "move_id"])
    except xmlrpc.client.Fault:
        pass
    else:
        seen.append(f"register record {posting} of another company read")
    return seen


# ---------------------------------------------------------------------------- report


def print_table(results):
    roles = [role for role, *_rest in ROLES]
    width = max(len(title) for _key, title, _f in ATTEMPTS) + 2
    header = f"{'attempt':<{width}}" + "".join(f"{role:>11}" for role in roles)
    print(header)
    print("-" * len(header))
    for key, title, _function in ATTEMPTS:
        cells = [results.get((key, role), Outcome("-")).kind for role in roles]
        print(f"{title:<{width}}" + "".join(f"{cell:>11}" for cell in cells))
    print(
        "refused: an access error or a UserError; costed: went through and its event has "
        "exactly one posting, posted, at standard, nothing of the forged context in it; "
        "ok: went through and changed nothing the books hold; VIOLATION: anything else."
    )
    print("roles: " + "; ".join(f"{key} = {title}" for key, title, *_rest in ROLES))


def run(args):
    ctx = stress.Context(args)
    admin = stress.wait_for_server(ctx)
    print(f"attack: server up at {ctx.url}, database {ctx.db}; setting up", flush=True)
    setup, fixes = set_up(ctx, admin)
    if fixes:
        print("attack: demo data completed: " + "; ".join(fixes))
    clients = {key: RoleClient(ctx, *setup.users[key]) for key, *_rest in ROLES}
    before = register_snapshot(ctx)
    results = {}
    started = time.time()
    for key, _title, function in ATTEMPTS:
        for role, *_rest in ROLES:
            if ctx.remaining() < 20:
                results[(key, role)] = Outcome("NOT RUN", "time limit")
                continue
            try:
                results[(key, role)] = function(ctx, admin, setup, clients[role])
            except Exception as error:  # the set-up of one attempt failed: shown, counted
                results[(key, role)] = Outcome("NOT RUN", f"{type(error).__name__}: {error}"[:200])
    print(f"attack: {len(results)} attempts in {time.time() - started:.0f}s", flush=True)
    violations = [
        f"{key} as {role}: {outcome.detail}"
        for (key, role), outcome in results.items()
        if outcome.kind in ("VIOLATION", "NOT RUN", "error")
    ]
    after = register_snapshot(ctx)
    violations += register_changes(before, after)
    violations += [
        f"other company: {seen}" for seen in cross_company_reads(ctx, clients["other"], setup)
    ]
    invariants = stress.check_invariants(ctx) + [
        (label, ctx.sql(query)) for label, query in ATTACK_INVARIANTS
    ]
    print()
    print_table(results)
    print()
    print(f"{'invariant (whole database, after every attempt)':<72}{'violations':>12}")
    for label, found in invariants:
        print(f"{label:<72}{len(found):>12}")
        violations += [f"{label}: {description}" for _id, description in found[:10]]
    print()
    for (key, role), outcome in sorted(results.items()):
        if outcome.kind != "-" and outcome.detail:
            print(f"  {key} as {role}: {outcome.kind}: {outcome.detail}")
    for violation in violations[:60]:
        print(f"  VIOLATION: {violation}")
    bad_cells = sum(o.kind in ("VIOLATION", "NOT RUN", "error") for o in results.values())
    failed = bad_cells + (len(violations) > bad_cells)  # whole-database checks count once
    closing = (
        f"attack: {len(results)} attempts by {len(ROLES)} roles, {len(violations)} violations\n"
        f"{len(results) - bad_cells} passed, {failed} failed\n"
    )
    if args.summary:
        Path(args.summary).write_text(closing, encoding="utf-8")
    else:
        print(closing, end="")
    return 1 if violations else 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the attempts against a server")
    run_parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    run_parser.add_argument("--db", required=True)
    run_parser.add_argument("--master-pid", type=int, required=True)
    run_parser.add_argument("--deadline", type=float, required=True, help="epoch seconds")
    run_parser.add_argument("--summary", help="write the closing lines here, not to stdout")
    run_parser.add_argument("--server-log", help="unused; accepted as tools/stress passes it")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(run(parse_args()))
