"""Walk the failed-posting queue in the demo database, over XML-RPC, as its users would.

An accounting administrator removes a backflush account; an operator (Manufacturing /
User) marks the demo's open order done and is not stopped; the register shows the
posting Failed with its reason; the administrator sets the account back and retries;
one entry is posted. Prints each step; exits non-zero if a step does not hold.

    tools/demo --reset --stop-after-init && tools/demo &   # a demo server on :8069
    .venv/bin/python tools/try_queue.py [--url http://127.0.0.1:8069] [--db backflush_demo]

It changes the demo database (an order is done and posted): run it on a fresh one.
"""

import argparse
import sys
import xmlrpc.client


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="backflush_demo")
    args = parser.parse_args()
    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object", allow_none=True)
    admin = common.authenticate(args.db, "admin", "admin", {})

    def call(uid, password, model, method, *params, **kwargs):
        return models.execute_kw(args.db, uid, password, model, method, list(params), kwargs)

    def as_admin(model, method, *params, **kwargs):
        return call(admin, "admin", model, method, *params, **kwargs)

    def ref(xml_id):
        module, name = xml_id.split(".")
        return as_admin("ir.model.data", "check_object_reference", module, name)[1]

    def check(label, condition, detail=""):
        print(f"{'ok  ' if condition else 'FAIL'} {label} {detail}")
        if not condition:
            sys.exit(1)

    company = as_admin("res.users", "read", [admin], ["company_id"])[0]["company_id"][0]
    as_admin("res.company", "write", [company], {"backflush_blocked_posting": "queue"})
    operator_login = "queue_operator"
    found = as_admin("res.users", "search", [("login", "=", operator_login)])
    operator = (
        found[0]
        if found
        else as_admin(
            "res.users",
            "create",
            {
                "name": "Queue Operator",
                "login": operator_login,
                "password": operator_login,
                "groups_id": [(6, 0, [ref("base.group_user"), ref("mrp.group_mrp_user")])],
            },
        )
    )
    category = ref("mrp_backflush.demo_category_finished")
    usage_account = as_admin(
        "product.category", "read", [category], ["property_backflush_usage_variance_account_id"]
    )[0]["property_backflush_usage_variance_account_id"][0]
    as_admin(
        "product.category",
        "write",
        [category],
        {"property_backflush_usage_variance_account_id": False},
    )
    print("1. the accounting administrator removed the Material Usage Variance account")

    order = ref("mrp_backflush.demo_production_open")
    as_admin("mrp.production", "write", [order], {"qty_producing": 40})
    result = call(operator, operator_login, "mrp.production", "button_mark_done", [order])
    state = as_admin("mrp.production", "read", [order], ["state"])[0]["state"]
    check("2. the operator marked the order done, not stopped:", state == "done", f"({result!r})")

    posting_ids = as_admin("mrp.backflush.posting", "search", [("production_id", "=", order)])
    posting = as_admin(
        "mrp.backflush.posting", "read", posting_ids, ["state", "failure_reason", "move_id"]
    )
    check(
        "3. the register holds one Failed posting, with its reason:",
        len(posting) == 1 and posting[0]["state"] == "failed" and not posting[0]["move_id"],
        repr(posting[0]["failure_reason"]),
    )
    messages = as_admin(
        "mail.message",
        "search_count",
        [("model", "=", "mrp.production"), ("res_id", "=", order), ("body", "ilike", "was queued")],
    )
    activities = as_admin(
        "mail.activity",
        "search_count",
        [("res_model", "=", "mrp.production"), ("res_id", "=", order)],
    )
    check("4. the order's chatter says it was queued, with an activity:", messages and activities)

    as_admin(
        "product.category",
        "write",
        [category],
        {"property_backflush_usage_variance_account_id": usage_account},
    )
    as_admin("mrp.backflush.posting", "action_retry", posting_ids)
    posting = as_admin("mrp.backflush.posting", "read", posting_ids, ["state", "move_id"])[0]
    check("5. fixed and retried: posted", posting["state"] == "posted", str(posting["move_id"]))
    as_admin("mrp.backflush.posting", "action_retry", posting_ids)
    entries = as_admin("account.move", "search", [("backflush_production_id", "=", order)])
    lines = as_admin(
        "account.move.line", "search_read", [("move_id", "in", entries)], ["debit", "credit"]
    )
    debit, credit = sum(line["debit"] for line in lines), sum(line["credit"] for line in lines)
    check(
        "6. exactly one balanced entry after a second retry:",
        len(entries) == 1 and round(debit - credit, 2) == 0,
        f"(debit {debit:.2f}, credit {credit:.2f})",
    )


if __name__ == "__main__":
    main()
