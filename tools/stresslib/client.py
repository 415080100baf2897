"""The XML-RPC side of a server tier: a client, what its calls' failures mean, the
context a driver runs in (the server, the database, the deadline) and the command line
every driver shares."""

import argparse
import os
import time
import xmlrpc.client
from pathlib import Path

import psycopg2

LOGIN = PASSWORD = "admin"
# Text of the faults Odoo returns when a request still hits a serialization failure, a
# deadlock or a lock it may not wait for after its own retries.
CONCURRENCY_MARKERS = (
    "could not serialize access",
    "SerializationFailure",
    "deadlock detected",
    "DeadlockDetected",
    "LockNotAvailable",
    "could not obtain lock",
)
RPC_FAULT_CODE_WARNING = 2  # odoo.addons.base.controllers.rpc: UserError, ValidationError


class TimeoutTransport(xmlrpc.client.Transport):
    """Every request is bounded in time: no client waits forever on a dead worker."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection

    def request(self, host, handler, request_body, verbose=False):
        # xmlrpc.client sends a request again when its connection drops (a killed worker):
        # here every call is sent once, and its fate is what the client saw.
        return self.single_request(host, handler, request_body, verbose)


class Client:
    """One XML-RPC client (its own connections), logged in as one user (admin unless
    told)."""

    def __init__(self, ctx, login=LOGIN, password=PASSWORD):
        self.db = ctx.db
        self.login = login
        self.password = password
        timeout = max(5.0, min(120.0, ctx.remaining()))
        common = xmlrpc.client.ServerProxy(
            f"{ctx.url}/xmlrpc/2/common", transport=TimeoutTransport(timeout)
        )
        self.uid = common.authenticate(ctx.db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in to {ctx.db} as {login}")
        self.models = xmlrpc.client.ServerProxy(
            f"{ctx.url}/xmlrpc/2/object", transport=TimeoutTransport(timeout), allow_none=True
        )

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        return rows[0]["res_id"] if rows else None

    def company_id(self):
        """The id of the user's current company."""
        return self.call("res.users", "read", [self.uid], ["company_id"])[0]["company_id"][0]

    def call_returning_none(self, model, method, *args):
        """Call a method that returns None: Odoo commits, then cannot marshal the result."""
        try:
            self.call(model, method, *args)
        except xmlrpc.client.Fault as fault:
            if "cannot marshal None" not in str(fault.faultString):
                raise


def classify(error):
    """(kind, message) of an exception raised by a call: ok, refused, retried or error."""
    if isinstance(error, xmlrpc.client.Fault):
        text = str(error.faultString)
        if "cannot marshal None" in text:
            return "ok", None  # done and committed; only the result could not be sent
        if error.faultCode == RPC_FAULT_CODE_WARNING:
            return "refused", text.strip().splitlines()[0][:160]
        if any(marker in text for marker in CONCURRENCY_MARKERS):
            return "retried", "serialization failure after Odoo's retries"
        lines = [line for line in text.strip().splitlines() if line.strip()]
        return "error", (lines[-1] if lines else repr(error))[:160]
    return "error", f"{type(error).__name__}: {error}"[:160]


def outcome(func, describe=None):
    """(kind, message) of one client call: classify() of what it raised, or "ok" and
    ``describe``(its result) when it went through (None: nothing to show)."""
    try:
        result = func()
    except Exception as error:  # every outcome is counted and shown
        return classify(error)
    return "ok", describe(result) if describe else None


class Context:
    """The server a driver drives, its database (over SQL too) and the deadline."""

    def __init__(self, args):
        self.url = args.url
        self.db = args.db
        self.deadline = args.deadline
        self.master_pid = args.master_pid
        self.http_port = int(args.url.rsplit(":", 1)[1])
        self.conn = psycopg2.connect(
            dbname=args.db,
            user=os.environ.get("DB_USER", "odoo"),
            password=os.environ.get("DB_PASSWORD") or None,
            host=os.environ.get("PGHOST", "127.0.0.1"),
            port=os.environ.get("PGPORT", "5432"),
        )
        self.conn.autocommit = True
        self.plant = None

    def remaining(self):
        return self.deadline - time.time()

    def expired(self):
        return self.remaining() <= 0

    def client(self):
        return Client(self)

    def sql(self, query, params=None):
        with self.conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []


def wait_for_server(ctx, limit=120.0):
    """Wait until the server answers XML-RPC and the admin can log in."""
    stop = min(ctx.deadline, time.time() + limit)
    while True:
        try:
            return ctx.client()
        except (OSError, xmlrpc.client.Error) as error:
            if not Path(f"/proc/{ctx.master_pid}").exists():
                raise SystemExit("stress: the server stopped: see its log") from error
            if time.time() > stop:
                raise SystemExit(
                    f"stress: the server did not answer at {ctx.url}: {error}"
                ) from error
            time.sleep(0.5)


def driver_parser(doc, run_help, server_log_help="the server's log, to count its conflicts"):
    """(parser, its sub-commands, the ``run`` sub-command) of a driver whose description
    is the first paragraph of ``doc``; ``run`` takes what tools/stress passes a driver."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help=run_help)
    run_parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    run_parser.add_argument("--db", required=True)
    run_parser.add_argument("--master-pid", type=int, required=True)
    run_parser.add_argument("--deadline", type=float, required=True, help="epoch seconds")
    run_parser.add_argument("--summary", help="write the closing lines here, not to stdout")
    run_parser.add_argument("--server-log", help=server_log_help)
    return parser, commands, run_parser
