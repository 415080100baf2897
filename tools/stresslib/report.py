"""The stress tier's table: per scenario what the clients saw and what was found, the
whole-database checks, the details; and the closing lines every driver ends with."""

from pathlib import Path


def attribute(rows, invariants):
    """Add each whole-database violation to the scenario that owns its order; returns
    the violations of no scenario (demo data, or no order)."""
    owner = {order: row for row in rows for order in row.orders}
    outside = []
    for label, found in invariants:
        for production, description in found:
            row = owner.get(production)
            if row is None:
                outside.append(f"{label}: {description}")
            else:
                row.violations.append(f"{label}: {description}")
    return outside


def report(rows, invariants, outside, fixes):
    print()
    if fixes:
        print("demo data completed: " + "; ".join(fixes))
    header = (
        f"{'scenario':<48}{'attempts':>9}{'ok':>4}{'refused':>8}{'retried':>8}{'errors':>7}"
        f"{'conflicts':>10}{'violations':>11}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        counts = row.tally.counts
        print(
            f"{row.number}. {row.title:<45}{counts['attempts']:>9}{counts['ok']:>4}"
            f"{counts['refused']:>8}{counts['retried']:>8}{counts['error']:>7}"
            f"{row.conflicts:>10}{len(row.violations):>11}  {'passed' if passed(row) else 'FAILED'}"
        )
    print("attempts: client calls; refused: a UserError or ValidationError; retried: a")
    print("serialization failure still reported after Odoo's retries; errors: anything else,")
    print("a dropped connection included; conflicts: serialization failures, lock refusals and")
    print("deadlocks the server logged meanwhile (they show that the clients really collided).")
    print()
    print_invariants(invariants, "after all scenarios", 64)
    print()
    for row in rows:
        details = [
            f"client saw {count}x {message}" for message, count in row.tally.messages.items()
        ]
        details += [f"note: {note}" for note in row.notes]
        details += [f"DID NOT RUN AS DESIGNED: {problem}" for problem in row.problems]
        details += [f"VIOLATION: {violation}" for violation in row.violations[:25]]
        if len(row.violations) > 25:
            details.append(f"VIOLATION: ... and {len(row.violations) - 25} more")
        for detail in details:
            print(f"  {row.number}: {detail}")
    for violation in outside[:25]:
        print(f"  outside the scenarios: VIOLATION: {violation}")


def passed(row):
    return not row.violations and not row.problems


def print_invariants(invariants, after, width):
    """The table of the whole-database checks: violations found per invariant."""
    print(f"{'invariant (whole database, ' + after + ')':<{width}}{'violations':>12}")
    for label, found in invariants:
        print(f"{label:<{width}}{len(found):>12}")


def write_closing(summary, closing):
    """A driver's closing lines: to the file ``summary`` (tools/stress prints it last),
    or to stdout without one."""
    if summary:
        Path(summary).write_text(closing, encoding="utf-8")
    else:
        print(closing, end="")
