"""The posting path: every trigger builds a costing Event and ends here, in one batch
per call: refuse what was posted already, create the entries (mrp.backflush.entry), then
the register records (mrp.backflush.posting)."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..costing import (
    EVENT_PERIOD_CLOSE,
    REWORK_VARIANCE,
    SCRAP_VARIANCE,
    CostingError,
)
from .internal_context import REGISTER_UPDATE, own_context


class MrpBackflushPostingPath(models.AbstractModel):
    _name = "mrp.backflush.posting.path"
    _description = "Backflush Posting Path"

    @api.model
    def _costing(self, reference, compute, *args):
        """Run a costing-core function; its errors become a UserError naming ``reference``."""
        try:
            return compute(*args)
        except CostingError as error:
            raise UserError(
                self.env._(
                    "Backflush costing could not compute the entry of %(reference)s: %(reason)s",
                    reference=reference,
                    reason=error,
                )
            ) from error

    @api.model
    def _post_events(self, events, prepared=None):
        """Post ``events`` (costing Events) in one batch: refuse any already posted, create
        and post their entries, then their register records. Returns the records.
        ``prepared``: draft entries made ahead (mrp.backflush.entry._prepare_entries)."""
        if not events:
            if prepared:
                self.env["mrp.backflush.entry"]._create_entries([], prepared)
            return self.env["mrp.backflush.posting"]
        self._refuse_reposting([event.key for event in events])
        entry_of = self.env["mrp.backflush.entry"]._create_entries(events, prepared)
        postings = self._register_writer().create(
            [self._register_vals(event, entry_of.get(event.key)) for event in events]
        )
        postings._note_shifted_dates()
        postings._log_on_origins()
        return postings

    @api.model
    def _date_problems(self, company, date):
        """Why an entry of ``company`` chosen to be dated ``date`` cannot be posted: a date
        in the future, before the company's last conversion close, or in a period locked
        for the current user. As sentences; none when it can."""
        problems = []
        if date > fields.Date.context_today(self):
            problems.append(
                self.env._(
                    "The date %(date)s is in the future: choose today or an earlier day.",
                    date=format_date(self.env, date),
                )
            )
        last_close = (
            self.env["mrp.backflush.posting"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("kind", "=", EVENT_PERIOD_CLOSE)],
                order="period_end desc",
                limit=1,
            )
        )
        if last_close and date <= last_close.period_end:
            problems.append(
                self.env._(
                    "The date %(date)s falls in a period whose conversion costs are closed "
                    "(up to %(end)s): choose a later day.",
                    date=format_date(self.env, date),
                    end=format_date(self.env, last_close.period_end),
                )
            )
        # Lock dates and their exceptions are the current user's; sudo only reads the
        # journal, which a manufacturing administrator may not.
        journal = company.sudo().backflush_journal_id
        violated = company._get_violated_lock_dates(date, False, journal)
        if violated:
            problems.append(
                self.env._(
                    "The accounting period of %(date)s is locked (up to %(lock)s). Choose a "
                    "later date, or ask an accounting administrator for a lock date exception.",
                    date=format_date(self.env, date),
                    lock=format_date(self.env, max(lock for lock, _field in violated)),
                )
            )
        return problems

    @api.model
    def _refuse_reposting(self, event_keys):
        already = self.env["mrp.backflush.posting"].sudo().search([("event_key", "in", event_keys)])
        if already:
            raise UserError(
                self.env._(
                    "These events have already been posted by backflush costing: %s. "
                    "Nothing was posted again.",
                    ", ".join(already.mapped("name")),
                )
            )

    @api.model
    def _register_writer(self):
        """The register as the posting path writes it: as superuser (the shop floor's
        action posts), on a context cleared of the caller's keys (no ``default_*`` value
        reaches a record), with REGISTER_UPDATE on."""
        return REGISTER_UPDATE.on(own_context(self.env["mrp.backflush.posting"].sudo()))

    @api.model
    def _event_date(self, event):
        return event.date or fields.Date.context_today(self)

    @api.model
    def _register_vals(self, event, entry=None):
        summary = event.summary
        vals = {
            "name": event.name,
            "event_key": event.key,
            "kind": event.kind,
            "trigger": event.trigger,
            "company_id": event.company,
            "date": self._event_date(event),
            "quantity": float(event.quantity),
            "material_standard": float(summary.material_standard),
            "material_actual": float(summary.material_actual),
            "conversion_standard": float(summary.conversion_standard),
            "usage_variance": float(summary.usage_variance),
            "production_variance": float(summary.production_variance),
            "rounding_difference": float(summary.rounding),
            "scrap_variance": float(event.entry.amount_of(SCRAP_VARIANCE)),
            "rework_variance": float(event.entry.amount_of(REWORK_VARIANCE)),
            "reason": event.reason or False,
            "finished_value": float(summary.finished_value),
            "move_id": entry.id if entry else False,
            "state": "posted",
            "product_id": event.product,
            "production_id": event.production,
            "picking_id": event.picking,
            "unbuild_id": event.unbuild,
            "stock_move_id": event.stock_move,
            "reversed_posting_id": event.reversed_posting,
            "scrap_ids": [Command.set(list(event.scraps))],
            "workcenter_ids": [Command.set(list(event.workcenters))],
            "valuation_layer_ids": [Command.set(list(event.valuation_layers))],
            "period_start": event.period_start,
            "period_end": event.period_end,
            "note": event.note,
            # Zero, not empty, outside a close: a pivot sums them to 0.00, not blank.
            "conversion_closed": 0.0,
            "conversion_incurred": 0.0,
            "conversion_written_off": 0.0,
        }
        if event.kind == EVENT_PERIOD_CLOSE:  # its own columns, see _register_figures
            vals.update(self.env["mrp.backflush.period.close"]._register_figures(event))
        return vals
