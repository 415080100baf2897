"""A worker killed (SIGKILL) while it runs a close of many orders in one call (scenario
5): right after, no order is half-done; the close replayed, each is closed once."""

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

from ..client import outcome
from .closes import check_closed_once, replay_close


def scenario_killed_worker(ctx, row):
    """5. SIGKILL the worker that runs a mass close of the orders, then replay the close."""
    seen = {}
    ready = threading.Event()
    client = ctx.client()

    def close_all():
        ready.set()
        # the kill is expected to break it
        seen["kind"], seen["message"] = outcome(
            lambda: client.call("mrp.production", "button_mark_done", row.orders)
        )

    thread = threading.Thread(target=close_all, daemon=True)
    thread.start()
    ready.wait()
    victim = wait_for_busy_worker(ctx, thread)
    if victim and thread.is_alive():
        os.kill(victim, signal.SIGKILL)
        row.notes.append(f"killed worker {victim} (SIGKILL) during the close")
    else:
        row.problems.append("the close ended before a busy worker was found to kill")
    thread.join(max(1.0, min(120.0, ctx.remaining())))
    row.tally.record(seen.get("kind", "error"), seen.get("message") or None)
    row.violations += check_half_done(ctx, row.orders)
    replayed = replay_close(ctx, row.orders)
    row.notes.append(f"{replayed} order(s) not done after the kill were closed again")
    row.violations += check_closed_once(ctx, row.orders)


def worker_pids(ctx):
    """HTTP workers of the server: children of the master, not its gevent process."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if ppid == ctx.master_pid and b"gevent" not in cmdline:
                pids.append(int(entry.name))
    return pids


def established_inodes(port):
    """Socket inodes of TCP connections established on the server's HTTP port."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                local_port = int(parts[1].rsplit(":", 1)[1], 16)
                if local_port == port and parts[3] == "01":
                    inodes.add(parts[9])
    return inodes


def worker_holding(pids, inodes):
    """The worker among ``pids`` that holds one of the socket ``inodes``, if any."""
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return pid
    return None


def transaction_running(ctx, seconds):
    """Whether a transaction of the server has been open on the database for ``seconds``."""
    rows = ctx.sql(
        """
        SELECT count(*) FROM pg_stat_activity
         WHERE datname = %s AND pid <> pg_backend_pid()
           AND state IN ('active', 'idle in transaction')
           AND xact_start < now() - make_interval(secs => %s)
        """,
        (ctx.db, seconds),
    )
    return rows[0][0] > 0


def wait_for_busy_worker(ctx, thread, limit=20.0):
    """The worker running the close, once its transaction has run a little while."""
    stop = time.time() + limit
    while thread.is_alive() and time.time() < stop:
        if transaction_running(ctx, 0.3):
            pid = worker_holding(worker_pids(ctx), established_inodes(ctx.http_port))
            if pid:
                return pid
        time.sleep(0.05)
    return None


def check_half_done(ctx, orders):
    """Right after the kill: an order not done has no posting, done move or entry; an
    order done has exactly one completion posting."""
    rows = ctx.sql(
        """
        SELECT mp.name, mp.state,
               (SELECT count(*) FROM mrp_backflush_posting p WHERE p.production_id = mp.id),
               (SELECT count(*) FROM mrp_backflush_posting p
                 WHERE p.production_id = mp.id AND p.kind = 'completion'),
               (SELECT count(*) FROM stock_move sm
                 WHERE (sm.raw_material_production_id = mp.id OR sm.production_id = mp.id)
                   AND sm.state = 'done'),
               (SELECT count(*) FROM account_move am WHERE am.backflush_production_id = mp.id)
          FROM mrp_production mp
         WHERE mp.id = ANY(%s)
         ORDER BY mp.id
        """,
        (list(orders),),
    )
    violations = []
    for name, state, postings, completions, done_moves, entries in rows:
        if state != "done" and (postings or done_moves or entries):
            violations.append(
                f"{name} after the kill: {state} but {postings} posting(s), {done_moves} done "
                f"move(s), {entries} backflush entr(y/ies): half-done"
            )
        elif state == "done" and completions != 1:
            violations.append(f"{name} after the kill: done with {completions} completions")
    return violations
