"""Who attacks: each role the README names (a user made for it where the demo has
none), and its client, whose calls carry a context full of forged keys."""

from ..client import Client

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


class RoleClient(Client):
    """An XML-RPC client logged in as one user; ``forged`` calls carry FORGED_CONTEXT."""

    def forged(self, model, method, *args, **kwargs):
        """Call with the forged context (merged into any context given)."""
        kwargs["context"] = {**FORGED_CONTEXT, **kwargs.get("context", {})}
        return self.call(model, method, *args, **kwargs)


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
