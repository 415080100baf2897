"""The server's log, read after a run: when each entry was written, and the concurrency
errors it logged within given windows of time."""

import re
from datetime import UTC, datetime

# The server's log: an entry starts with its time (UTC: odoo-bin sets TZ); PostgreSQL's
# message about a failed query follows it on a line of its own.
LOG_ENTRY = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \d+ [A-Z]+ ")
LOG_CONFLICTS = (
    "ERROR: could not serialize access",
    "ERROR: could not obtain lock",
    "ERROR: deadlock detected",
)


def log_time(text):
    """Epoch seconds of an entry's time as the log writes it (2024-01-31 12:00:00,000)."""
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S,%f")
    return moment.replace(tzinfo=UTC).timestamp()


def conflicts_within(path, windows):
    """Per (start, end) of ``windows`` (an empty one: none), the serialization failures,
    lock refusals and deadlocks the server logged within it (none without a log): they
    show that its clients really did collide."""
    counts = [0] * len(windows)
    if not path:
        return counts
    stamp = None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_ENTRY.match(line)
            if match:
                stamp = log_time(match[1])
            elif stamp and line.startswith(LOG_CONFLICTS):
                for index, window in enumerate(windows):
                    if window and window[0] <= stamp <= window[1]:
                        counts[index] += 1
    return counts
