"""The attack tier's attempts, in the order they run: each door tried by every role,
each attempt a function (ctx, admin, setup, client) that returns an Outcome."""

from .books_doors import (
    entry_attempt,
    try_register_create,
    try_register_note,
    try_register_retry,
    try_register_unlink,
    try_register_write,
    try_update_post,
    try_update_state,
)
from .stock_doors import (
    try_delivery,
    try_inventory,
    try_lot_swap,
    try_mark_done,
    try_scrap,
    try_unbuild,
    try_variance_wizard,
)

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
