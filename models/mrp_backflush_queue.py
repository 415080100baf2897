import json
import logging
import threading

from markupsafe import Markup
from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..costing import (
    EVENT_COMPLETION,
    EVENT_SCRAP,
    from_data,
    to_data,
)
from .internal_context import REGISTER_UPDATE
from .mrp_backflush_posting import QUEUED_STATES

_logger = logging.getLogger(__name__)

# Failed postings a scheduled run retries at most, committing after each batch.
RETRY_BATCH_SIZE = 50


class MrpBackflushQueue(models.AbstractModel):
    """Postings that wait for their entry as register records: Pending ones, deferred by
    the company's setting and posted moments later by a scheduled action, and Failed
    ones, which could not be made when their event happened (missing configuration)
    and wait for an accountant to fix the configuration and retry them (SAP's COGI
    list). The operation that raised them went through."""

    _name = "mrp.backflush.queue"
    _description = "Backflush Posting Queue"

    @api.model
    def _queue(self, queued):
        """Record ``queued`` postings as Failed: ``[(event, pending, problems, origin)]``,
        where ``event`` is the costing Event without its entry, ``pending`` what its
        trigger needs to post it later ({"value": its costing value as of the event,
        ...record ids}), ``problems`` why it cannot be posted (sentences) and ``origin``
        the order or transfer whose chatter says so."""
        if not queued:
            return self.env["mrp.backflush.posting"]
        PostingPath = self.env["mrp.backflush.posting.path"]
        PostingPath._refuse_reposting([event.key for event, *_rest in queued])
        postings = PostingPath._register_writer().create(
            [
                {
                    **PostingPath._register_vals(event),
                    "state": "failed",
                    "failure_reason": "\n".join(problems),
                    "pending_data": self._dump_pending(pending),
                }
                for event, pending, problems, _origin in queued
            ]
        )
        for posting, (_event, _pending, problems, origin) in zip(postings, queued, strict=True):
            self._announce(posting, problems, origin)
        return postings

    @api.model
    def _defer(self, deferred):
        """Record ``deferred`` postings as Pending: ``[(event, pending)]`` as in _queue.
        The scheduled action posts them; it is woken now rather than at its next run."""
        if not deferred:
            return self.env["mrp.backflush.posting"]
        PostingPath = self.env["mrp.backflush.posting.path"]
        PostingPath._refuse_reposting([event.key for event, _pending in deferred])
        postings = PostingPath._register_writer().create(
            [
                {
                    **PostingPath._register_vals(event),
                    "state": "pending",
                    "pending_data": self._dump_pending(pending),
                }
                for event, pending in deferred
            ]
        )
        self._wake_pending_poster()
        return postings

    @api.model
    def _wake_pending_poster(self):
        """Wake the scheduled action that posts pending postings, unless a wake-up is
        already due: the closes of a busy shift then cost one indexed look-up each, not
        a trigger row each (ir.cron._trigger) and a cron run per close, and the action
        posts them together. A close that commits while the action runs, after it took
        its batch, is posted at the next wake-up or run (every 5 minutes)."""
        cron = self.env.ref("mrp_backflush.ir_cron_backflush_post_pending", False)
        if not cron:
            return
        cron = cron.sudo()
        due = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count(
                [("cron_id", "=", cron.id), ("call_at", "<=", fields.Datetime.now())], limit=1
            )
        )
        if not due and cron.active:
            cron._trigger()

    @api.model
    def _dump_pending(self, pending):
        return json.dumps({key: to_data(value) for key, value in pending.items()})

    @api.model
    def _load_pending(self, posting):
        data = json.loads(posting.pending_data or "{}")
        return {key: from_data(value) for key, value in data.items()}

    @api.model
    def _announce(self, posting, problems, origin):
        """Say on the order that its posting was queued and why, give an accountant an
        activity, and tell the user, who is not stopped."""
        message = self.env._(
            "The backflush posting of %(event)s was queued, not posted: the configuration "
            "is incomplete. An accountant can fix it and retry the posting from the "
            "Backflush Register (%(reference)s).",
            event=posting.name,
            reference=posting.event_key,
        )
        reasons = "\n".join(f"- {problem}" for problem in problems)
        items = Markup().join(Markup("<li>%s</li>") % problem for problem in problems)
        origin.sudo().message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (message, items))
        accountant = self._accountant(posting.company_id)
        if accountant and hasattr(origin, "activity_schedule"):
            origin.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Retry the queued backflush posting %s", posting.name),
                note=reasons,
                user_id=accountant.id,
            )
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": "warning",
                "title": self.env._("Backflush posting queued"),
                "message": message,
            },
        )

    @api.model
    def _accountant(self, company):
        """The accounting administrator who is given the activity of a queued posting."""
        group = self.env.ref("account.group_account_manager")
        users = group.sudo().users.filtered(
            lambda user: company in user.company_ids and not user.share and user.active
        )
        return users.filtered(lambda user: user.id != self.env.ref("base.user_root").id)[:1]

    # ------------------------------------------------------------------
    # Retry
    # ------------------------------------------------------------------

    @api.model
    def _retry(self, postings, skip_lock=False, wait=False):
        """Post the Pending and Failed ``postings`` that can be posted now, each exactly
        once (its row is locked, then its state checked again), oldest first; the others
        are (or stay) Failed with today's reason. Returns the records posted.
        ``skip_lock``: the caller holds the row locks already (the scheduled actions).
        ``wait``: wait for rows someone else is posting instead of refusing at once, for
        the operations that need them posted first (under Odoo's repeatable read, a row
        posted meanwhile then fails to serialize, and Odoo retries the request, which
        finds it posted)."""
        if not postings:
            return postings
        locks = {True: SQL("FOR UPDATE"), False: SQL("FOR UPDATE NOWAIT")}
        lock = SQL("") if skip_lock else locks[wait]
        try:
            # A refused lock aborts only the savepoint, not the caller's transaction.
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM mrp_backflush_posting WHERE id IN %s AND state IN %s "
                        "ORDER BY id %s",
                        tuple(postings.ids),
                        QUEUED_STATES,
                        lock,
                    )
                )
                locked = postings.browse([row[0] for row in self.env.cr.fetchall()])
        except errors.LockNotAvailable as error:
            raise UserError(
                self.env._("These postings are being retried right now; wait for it to finish.")
            ) from error
        locked.invalidate_recordset()
        posted = postings.browse()
        for posting in locked.filtered(lambda posting: posting.state in QUEUED_STATES):
            try:
                with self.env.cr.savepoint():
                    posted |= self._retry_one(posting)
            except UserError as error:
                self._fail(posting, error)
            except (errors.SerializationFailure, errors.LockNotAvailable):
                # Another transaction posted (or is posting) what this one depends on:
                # left as it is, for the next run.
                _logger.info("backflush: %s skipped, being posted concurrently", posting.name)
            except Exception as error:  # pylint: disable=broad-exception-caught
                # Anything else (unreadable pending data, a bug) fails this posting only:
                # one bad row must not stop the scheduled action for every company.
                _logger.exception("backflush: %s could not be posted", posting.name)
                self._fail(
                    posting,
                    self.env._("Unexpected error while posting: %s", error),
                )
        return posted

    @api.model
    def _fail(self, posting, error):
        """``posting`` could not be posted because of ``error``: Failed, with the reason;
        a Pending one is announced as a queued posting is when its event happens."""
        deferred = posting.state == "pending"
        REGISTER_UPDATE.on(posting).write(
            {
                "state": "failed",
                "failure_reason": str(error),
                "retry_count": posting.retry_count + (0 if deferred else 1),
            }
        )
        if deferred:
            origin = posting.sudo()._origin_document()
            self._announce(posting, [str(error)], origin or posting.product_id.product_tmpl_id)

    @api.model
    def _retry_one(self, posting):
        posting = posting.sudo().with_company(posting.company_id)
        pending = self._load_pending(posting)
        event = self._retry_event(posting, pending)
        posted = posting._post_queued(event)
        if "layer" in pending:
            posting.stock_move_id._backflush_reconcile_interim(posting.valuation_layer_ids)
        return posted

    @api.model
    def _retry_event(self, posting, pending):
        """The event ``posting`` (queued, with its ``pending`` data) posts, costed now by
        its trigger (the mrp_backflush_repair bridge adds repairs)."""
        if posting.kind == EVENT_COMPLETION:
            event = posting.production_id._backflush_retry_event(pending, posting.date)
        elif posting.kind == EVENT_SCRAP:
            event = posting.scrap_ids._backflush_retry_event(pending, posting.date)
        elif "layer" in pending:
            event = posting.stock_move_id._backflush_retry_event(pending, posting.date)
        else:
            raise UserError(self.env._("%s cannot be retried.", posting.name))
        return event

    @api.model
    def _cron_retry_failed(self, batch_size=RETRY_BATCH_SIZE):
        """Retry every Failed posting once (see _cron_post)."""
        self._cron_post("failed", batch_size)

    @api.model
    def _cron_post_pending(self, batch_size=RETRY_BATCH_SIZE):
        """Post every Pending (deferred) posting (see _cron_post)."""
        self._cron_post("pending", batch_size)

    @api.model
    def _cron_post(self, state, batch_size):
        """Post the postings in ``state`` once each, oldest first, in batches that
        several workers (or servers) share: each takes the rows the others have not
        locked, and commits per batch."""
        last_id = 0
        while True:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM mrp_backflush_posting WHERE state = %s AND id > %s "
                    "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                    state,
                    last_id,
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return
            last_id = ids[-1]
            posted = self._retry(self.env["mrp.backflush.posting"].browse(ids), skip_lock=True)
            _logger.info("backflush: %s %s postings, %s posted", len(ids), state, len(posted))
            if not getattr(threading.current_thread(), "testing", False):
                # One transaction per batch: a crash loses one batch, not the run.
                self.env.cr.commit()  # pylint: disable=invalid-commit
