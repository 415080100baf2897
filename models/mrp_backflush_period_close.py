from collections import namedtuple
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount, format_date

from ..costing import (
    CONVERSION,
    CONVERSION_CONTROL,
    EVENT_PERIOD_CLOSE,
    PRODUCTION_VARIANCE,
    ZERO,
    ConversionClose,
    Event,
    account_conflicts,
    close_entry,
    is_zero,
    to_decimal,
)

CloseRequest = namedtuple(
    "CloseRequest",
    "company_id date_from date_to control_account_ids applied_account_ids target_account_id",
)
CloseRequest.__doc__ = """A period close of conversion costs to preview or post: the company,
the range (dates), the control and applied accounts (account.account records) and the
write-off account (a record, empty until chosen)."""


class MrpBackflushPeriodClose(models.AbstractModel):
    """Horngren's period close of conversion costs: its rules, its entry and its posting.

    For a company and a date range, the actual conversion costs booked on the Conversion
    Costs Control accounts are compared with the Conversion Costs Applied at standard by
    backflush costing. One entry (costing.close) zeroes both for the range and writes the
    under-applied (debit) or over-applied (credit) difference off. The Close Conversion
    Costs wizard is its screen.
    """

    _name = "mrp.backflush.period.close"
    _description = "Backflush Period Close of Conversion Costs"

    @api.model
    def _balances(self, close, accounts, date_from, date_to):
        """{account id: Decimal balance (debit positive)} of ``accounts`` from
        ``date_from`` to ``date_to``, posted entries of the company."""
        account_ids = accounts.ids
        if not (account_ids and close.company_id and date_from and date_to):
            return {}
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", close.company_id.id),
                ("parent_state", "=", "posted"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("account_id", "in", account_ids),
            ],
            groupby=["account_id"],
            aggregates=["balance:sum"],
        )
        return {account.id: to_decimal(balance) for account, balance in groups}

    @api.model
    def _earlier_start(self, close):
        """The first day of the company's earliest close, when it is before this range:
        what was booked since then before this range, in periods already closed (or
        skipped), is left over and closed too. None when there is no earlier close."""
        if not (close.company_id and close.date_from):
            return None
        first = (
            self.env["mrp.backflush.posting"]
            .sudo()
            .search(
                [("company_id", "=", close.company_id.id), ("kind", "=", EVENT_PERIOD_CLOSE)],
                order="period_start",
                limit=1,
            )
        )
        if first and first.period_start < close.date_from:
            return first.period_start
        return None

    @api.model
    def _close_result(self, close):
        """The costing CloseResult of this close: its entry (previewed and posted) and
        its totals, earlier periods' leftovers included."""
        earlier_start = self._earlier_start(close)
        earlier_end = close.date_from and close.date_from - timedelta(days=1)
        return close_entry(
            ConversionClose(
                applied=self._balances(
                    close, close.applied_account_ids, close.date_from, close.date_to
                ),
                control=self._balances(
                    close, close.control_account_ids, close.date_from, close.date_to
                ),
                write_off_account=close.target_account_id.id or None,
                rounding=to_decimal(close.company_id.currency_id.rounding or 0.01),
                earlier_applied=self._balances(
                    close, close.applied_account_ids, earlier_start, earlier_end
                ),
                earlier_control=self._balances(
                    close, close.control_account_ids, earlier_start, earlier_end
                ),
            )
        )

    @api.model
    def _event_key(self, close):
        return f"period_close:{close.company_id.id}:{close.date_from}:{close.date_to}"

    @api.model
    def _range_label(self, close):
        return self.env._(
            "%(start)s to %(end)s",
            start=format_date(self.env, close.date_from),
            end=format_date(self.env, close.date_to),
        )

    @api.model
    def _check_closable(self, close):
        """Raise a UserError saying why this close cannot be posted, if it cannot."""
        company = close.company_id
        if close.date_from > close.date_to:
            raise UserError(
                self.env._(
                    "The range starts on %(start)s, after its end %(end)s.",
                    start=format_date(self.env, close.date_from),
                    end=format_date(self.env, close.date_to),
                )
            )
        today = fields.Date.context_today(self)
        if close.date_to > today:
            raise UserError(
                self.env._(
                    "The range ends on %(end)s, after today: costs booked in it later could "
                    "never be closed (a range may not overlap a closed one). Close it once it "
                    "is over.",
                    end=format_date(self.env, close.date_to),
                )
            )
        if not close.control_account_ids:
            raise UserError(
                self.env._(
                    "Choose the Conversion Costs Control accounts, where the actual labour "
                    "and overhead were booked."
                )
            )
        if not company.backflush_journal_id:
            raise UserError(
                self.env._(
                    "Company %s has no backflush journal: set it in Settings > Companies.",
                    company.name,
                )
            )
        Posting = self.env["mrp.backflush.posting"]
        earlier = Posting.search([("event_key", "=", self._event_key(close))], limit=1)
        if earlier:
            raise UserError(
                self.env._(
                    "The conversion costs of %(range)s were already closed by %(close)s "
                    "(entry %(entry)s). Nothing was posted again.",
                    range=self._range_label(close),
                    close=earlier.name,
                    entry=earlier.move_id.name or "-",
                )
            )
        overlapping = Posting.search(
            [
                ("kind", "=", EVENT_PERIOD_CLOSE),
                ("company_id", "=", company.id),
                ("period_start", "<=", close.date_to),
                ("period_end", ">=", close.date_from),
            ],
            limit=1,
        )
        if overlapping:
            raise UserError(
                self.env._(
                    "The range %(range)s overlaps %(close)s, which closed %(start)s to "
                    "%(end)s (entry %(entry)s). Choose a range that does not overlap a closed "
                    "one.",
                    range=self._range_label(close),
                    close=overlapping.name,
                    start=format_date(self.env, overlapping.period_start),
                    end=format_date(self.env, overlapping.period_end),
                    entry=overlapping.move_id.name or "-",
                )
            )
        failed = Posting.sudo().search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "failed"),
                ("date", "<=", close.date_to),
            ]
        )
        if failed:
            raise UserError(
                self.env._(
                    "%(count)s backflush postings up to %(end)s are queued, not posted "
                    "(%(names)s). Fix what they lack and retry them from the Backflush "
                    "Register (filter Failed) before closing the month.",
                    count=len(failed),
                    end=format_date(self.env, close.date_to),
                    names=", ".join(failed[:10].mapped("name")),
                )
            )
        conflicts = account_conflicts(
            close.control_account_ids.ids,
            close.applied_account_ids.ids,
            close.target_account_id.id or None,
        )
        if conflicts.in_both:
            raise UserError(
                self.env._(
                    "%s cannot be both a control and an applied account.",
                    ", ".join(
                        self.env["account.account"].browse(conflicts.in_both).mapped("display_name")
                    ),
                )
            )
        if conflicts.write_off_in_use:
            raise UserError(
                self.env._(
                    "The write-off account %s is one of the control or applied accounts: "
                    "choose another one.",
                    close.target_account_id.display_name,
                )
            )
        locks = company._get_violated_lock_dates(close.date_to, False, company.backflush_journal_id)
        if locks:
            raise UserError(
                self.env._(
                    "The closing entry would be dated %(date)s, which is locked: "
                    "%(locks)s. Close the conversion costs before locking the period.",
                    date=format_date(self.env, close.date_to),
                    locks=company._format_lock_dates(locks),
                )
            )

    @api.model
    def _lock_company_closes(self, close):
        """Serialize the period closes of the company: a concurrent close, which touched
        the same row, makes this transaction fail and be retried (then it sees that close
        and refuses an overlapping range)."""
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET write_date = write_date WHERE id = %s",
                close.company_id.id,
            )
        )

    @api.model
    def _close_event(self, close):
        result = self._close_result(close)
        difference = result.difference
        company = close.company_id
        target = close.target_account_id
        if is_zero(difference, to_decimal(close.company_id.currency_id.rounding)):
            note = self.env._("Applied conversion costs equal the actual ones: no write-off.")
        else:
            note = self.env._(
                "%(kind)s conversion costs of %(amount)s written off to %(account)s (%(side)s).",
                kind=self.env._("Under-applied") if difference > 0 else self.env._("Over-applied"),
                amount=format_amount(
                    self.env, float(abs(difference)), close.company_id.currency_id
                ),
                account=target.display_name,
                side=self.env._("debit") if difference > 0 else self.env._("credit"),
            )
        if result.earlier_difference:
            note += " " + self.env._(
                "Of the difference, %(amount)s was left over from periods already closed "
                "(costs booked there after their close).",
                amount=format_amount(
                    self.env, float(result.earlier_difference), close.company_id.currency_id
                ),
            )
        name = self.env._("Conversion close %(range)s", range=self._range_label(close))
        return Event(
            key=self._event_key(close),
            kind=EVENT_PERIOD_CLOSE,
            company=company.id,
            name=name,
            ref=name,
            entry=result.entry,
            summary=result.summary,
            quantity=ZERO,
            date=close.date_to,
            period_start=close.date_from,
            period_end=close.date_to,
            note=note,
        )

    @api.model
    def _post_pending(self, close):
        """Post the company's deferred postings up to the end of ``close``: the close
        takes the balances of the applied accounts they credit."""
        pending = (
            self.env["mrp.backflush.posting"]
            .sudo()
            .search(
                [
                    ("company_id", "=", close.company_id.id),
                    ("state", "=", "pending"),
                    ("date", "<=", close.date_to),
                ]
            )
        )
        self.env["mrp.backflush.queue"]._retry(pending, wait=True)

    @api.model
    def _register_figures(self, event):
        """The register's figures of a close ``event``, in columns of their own so that
        each column of the register sums to one thing across kinds: Conversion Applied
        is what completions, shipments and scrap credited to the applied accounts, and
        the close says how much of it it took out (Conversion Closed), against what was
        incurred, and what it wrote off. Read from the entry's lines (applied lines are
        debits, control lines credits, the write-off positive when under-applied)."""
        entry = event.entry
        return {
            "conversion_standard": 0.0,
            "production_variance": 0.0,
            "conversion_closed": float(entry.amount_of(CONVERSION)),
            "conversion_incurred": float(-entry.amount_of(CONVERSION_CONTROL)),
            "conversion_written_off": float(entry.amount_of(PRODUCTION_VARIANCE)),
        }

    @api.model
    def _post_close(self, close):
        """Post ``close`` (a CloseRequest) through the posting path, or refuse it."""
        if not (self.env.su or self.env.user.has_group("account.group_account_manager")):
            raise AccessError(
                self.env._("Only accounting administrators can close conversion costs.")
            )
        self = self.with_company(close.company_id)
        self._lock_company_closes(close)
        self._post_pending(close)
        self._check_closable(close)
        if not self._close_result(close).entry.lines:
            raise UserError(
                self.env._(
                    "Nothing to close: the control and applied accounts have no balance "
                    "from %(range)s.",
                    range=self._range_label(close),
                )
            )
        return self.env["mrp.backflush.posting.path"]._post_events([self._close_event(close)])
