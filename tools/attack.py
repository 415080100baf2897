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
violation. This file is the entry point: the roles, the set-up, the attempts and their
judges are in tools/stresslib/attack/, beside the stress tier's client, plant and
invariants they share (tools/stresslib/).

    python tools/attack.py run --url URL --db DB --master-pid PID --deadline EPOCH
"""

import sys
import time

from stresslib.attack import ATTEMPTS
from stresslib.attack.invariants import (
    ATTACK_INVARIANTS,
    cross_company_reads,
    register_changes,
    register_snapshot,
)
from stresslib.attack.judge import Outcome
from stresslib.attack.roles import ROLES, RoleClient
from stresslib.attack.setup import set_up
from stresslib.client import Context, driver_parser, wait_for_server
from stresslib.invariants import INVARIANTS, check_invariants
from stresslib.report import print_invariants, write_closing


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
    ctx = Context(args)
    admin = wait_for_server(ctx)
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
    invariants = check_invariants(ctx, INVARIANTS + ATTACK_INVARIANTS)
    print()
    print_table(results)
    print()
    print_invariants(invariants, "after every attempt", 72)
    for label, found in invariants:
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
    write_closing(args.summary, closing)
    return 1 if violations else 0


def parse_args():
    parser, _commands, _run_parser = driver_parser(
        __doc__,
        "run the attempts against a server",
        server_log_help="unused; accepted as tools/stress passes it",
    )
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(run(parse_args()))
