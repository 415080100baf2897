from odoo import api, fields, models

BACKFLUSH_JOURNAL_CODE = "BFL"


class ResCompany(models.Model):
    _inherit = "res.company"

    backflush_journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
        help="General journal in which every backflush entry of this company is posted.",
    )

    backflush_blocked_posting = fields.Selection(
        [
            ("queue", "Queue the posting for an accountant"),
            ("stop", "Stop the operation"),
        ],
        string="When a Backflush Posting Cannot Be Made",
        required=True,
        default="queue",
        help="Queue: the operation (marking an order done, a scrap) goes through and the "
        "posting waits in the Backflush Register as Failed, with the reason, until an "
        "accountant fixes the configuration and retries it (a scheduled action retries "
        "them too). Stop: the operation is refused with the list of what is missing.",
    )
    backflush_posting_mode = fields.Selection(
        [
            ("immediate", "When the event happens"),
            ("deferred", "In batches, by a scheduled action"),
        ],
        string="Backflush Posting",
        required=True,
        default="immediate",
        help="When the event happens: marking an order done (a delivery) posts its entry "
        "in the same transaction. In batches: it records the event as Pending in the "
        "Backflush Register, with its quantities and standards as of the event, and the "
        "scheduled action 'Backflush: post pending postings' posts it moments later, "
        "exactly once, sharing the work between Odoo workers; the shop floor does not wait "
        "for the accounting. The configuration is then checked when posting: a posting "
        "that cannot be made becomes Failed, whatever the setting below.",
    )
    backflush_revaluation_account_id = fields.Many2one(
        "account.account",
        string="Standard Cost Revaluation Account",
        domain="[('deprecated', '=', False), ('company_ids', 'in', id)]",
        help="Counterpart of the entry that revalues, when a standard changes, the material "
        "held in RIP (and sub-assembly accounts) for finished units on hand costed at "
        "shipment. Empty: the changed product's expense account, Odoo's own counterpart "
        "when it revalues the product's stock.",
    )
    backflush_scrap_reason_required = fields.Boolean(
        string="Scrap Reason Required",
        help="Backflush variance wizard: every scrapped line must carry a scrap reason.",
    )

    @api.model
    def _backflush_ensure_journals(self):
        """Give every company that has a chart of accounts its backflush journal.

        Called from data on install and update; companies that get a chart later are
        handled by the chart loader (models/account_chart_template.py).
        """
        self.search([("chart_template", "!=", False)])._backflush_ensure_journal()

    def _backflush_ensure_journal(self):
        """Create (or adopt) the general journal ``BFL`` of each company and select it."""
        Journal = self.env["account.journal"].sudo()
        for company in self.filtered(lambda c: not c.backflush_journal_id):
            journal = Journal.search(
                [
                    *Journal._check_company_domain(company),
                    ("company_id", "=", company.id),
                    ("code", "=", BACKFLUSH_JOURNAL_CODE),
                ],
                limit=1,
            )
            if not journal:
                journal = Journal.create(
                    {
                        "name": self.env._("Backflush Costing"),
                        "code": BACKFLUSH_JOURNAL_CODE,
                        "type": "general",
                        "company_id": company.id,
                        "show_on_dashboard": False,
                    }
                )
            company.sudo().backflush_journal_id = journal
