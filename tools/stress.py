"""Stress tier driver: concurrent XML-RPC clients against a real Odoo server.

Odoo's test cursor runs every test in one transaction, so it cannot show a race. Here
tools/stress has created a fresh database (mrp_backflush with its demo data) and started
odoo-bin in prefork mode (2 workers); this driver checks and completes the demo plant,
stocks the components and confirms the orders over XML-RPC, runs the scenarios with
concurrent clients (threads, each with its own ServerProxy, logged in as admin), checks
the invariants with SQL and prints a table. This file is the entry point; the client,
the plant, the scenarios, the invariants and the report are in tools/stresslib/, which
tools/attack.py and tools/bench_concurrency.py share.

    python tools/stress.py run --url URL --db DB --master-pid PID --deadline EPOCH
    python tools/stress.py gevent-shim DIR

A fault that Odoo raises after its own retries of a serialization failure is counted as
"retried", a UserError or ValidationError as "refused": neither is a violation when the
end state is right. Exit code: 0 when no invariant is violated and every scenario ran.
"""

import sys

from stresslib.client import driver_parser
from stresslib.gevent_shim import gevent_shim
from stresslib.tier import run


def parse_args():
    parser, commands, _run_parser = driver_parser(__doc__, "run the scenarios against a server")
    shim_parser = commands.add_parser("gevent-shim", help="write the stand-ins into DIR")
    shim_parser.add_argument("directory")
    return parser.parse_args()


def main():
    args = parse_args()
    if args.command == "gevent-shim":
        gevent_shim(args.directory)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
