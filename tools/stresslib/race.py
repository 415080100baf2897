"""Concurrent clients: threads, each with its own client, that start a call at the same
moment (a barrier), and the tally of what they saw, per scenario."""

import threading
from collections import Counter
from dataclasses import dataclass, field

from .client import Client, outcome


class Tally:
    """What the clients of one scenario saw, call by call (thread-safe)."""

    def __init__(self):
        self.counts = Counter()
        self.messages = Counter()
        self._lock = threading.Lock()

    def record(self, kind, message=None):
        with self._lock:
            self.counts["attempts"] += 1
            self.counts[kind] += 1
            if message:
                self.messages[f"{kind}: {message}"] += 1

    def attempt(self, func, describe=None):
        """Run one client call and record its outcome; returns the kind. ``describe``:
        what to show of the result of a call that went through (None: nothing)."""
        kind, message = outcome(func, describe)
        self.record(kind, message)
        return kind

    def kinds(self):
        """How many calls ended in each kind (the attempts themselves not counted)."""
        return Counter({kind: n for kind, n in self.counts.items() if kind != "attempts"})


@dataclass
class Row:
    """One scenario: what the clients tried and saw, and what was found."""

    number: int
    title: str
    tally: Tally = field(default_factory=Tally)
    orders: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # why it could not run as designed
    window: tuple = ()  # (start, end) in epoch seconds
    conflicts: int = 0  # concurrency errors the server logged meanwhile


def run_clients(ctx, count, body):
    """Run body(index, client, barrier) in ``count`` threads, each with its own client.

    Returns the problems that kept a client from running its loop (none when all went
    through); a thread still running at the deadline is left behind (daemon) and said.
    """
    barrier = threading.Barrier(count)
    problems = []

    def main(index):
        try:
            body(index, Client(ctx), barrier)
        except threading.BrokenBarrierError:
            problems.append(f"client {index}: another client stopped early")
        except Exception as error:  # reported, never hidden
            problems.append(f"client {index}: {type(error).__name__}: {error}"[:200])
            barrier.abort()

    threads = [threading.Thread(target=main, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, ctx.remaining()))
    if any(thread.is_alive() for thread in threads):
        problems.append("a client was still running at the time limit")
    return problems


def race_each(ctx, row, items, call, prepare=None, clients=2):
    """For each of ``items`` in turn, ``clients`` clients run call(client, item) at the
    same moment, each outcome counted on ``row``; ``prepare``(client, item), when given,
    is what each client makes before the race and calls with in place of the item."""

    def body(_index, client, barrier):
        for item in items:
            if ctx.expired():
                return
            target = prepare(client, item) if prepare else item
            barrier.wait(timeout=60)
            row.tally.attempt(lambda target=target: call(client, target))

    row.problems += run_clients(ctx, clients, body)
