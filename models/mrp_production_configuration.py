"""What stops or queues an order's posting, and the warning its form shows before
anyone marks it done: the same rule (mrp.backflush.readiness) read early."""

from odoo import api, fields, models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _backflush_blocked_completions(self):
        """{order id: what is missing} for the orders whose completion cannot be posted
        now and whose company queues such postings; raises one UserError for those
        whose company stops the operation instead."""
        return self._backflush_blocked(
            self.env["mrp.backflush.readiness"]._completion_problems,
            self.env._("the completion of %s"),
        )

    def _backflush_blocked(self, problems_of, event):
        """See mrp.backflush.readiness._blocked."""
        return self.env["mrp.backflush.readiness"]._blocked(self, problems_of, event)

    def _backflush_check_configuration(self, event=None):
        """Raise one UserError listing every setting a completion (or the ``event``, as
        "the scrap of %s") of ``self`` is missing."""
        Readiness = self.env["mrp.backflush.readiness"]
        problems = []
        for production in self:
            problems += Readiness._completion_problems(production)
        event = event or self.env._("the completion of %s")
        Readiness._raise(event % ", ".join(self.mapped("name")), problems)

    # ---- configuration checked before the shop floor meets it -----------------------

    backflush_configuration_warning = fields.Text(
        compute="_compute_backflush_configuration_warning",
        help="What a completion of this order would miss to be posted, and who sets it.",
    )

    @api.depends(
        "state",
        "product_id",
        "bom_id",
        "company_id",
        "move_raw_ids.product_id",
    )
    def _compute_backflush_configuration_warning(self):
        """Shown on the form of a confirmed order: the same checks as its completion
        (mrp.backflush.readiness), read before anyone marks it done. Non-blocking."""
        for production in self:
            production.backflush_configuration_warning = False
            if production.state not in ("confirmed", "progress", "to_close"):
                continue
            production = production.with_company(production.company_id)
            Readiness = self.env["mrp.backflush.readiness"]
            if not production._backflush_is_backflushed():
                # Odoo values the order itself, but a Shipment-costed input still credits
                # (or debits) a finished goods account that holds nothing for it.
                problems = Readiness._shipment_costed_input_problems(production)
                if problems:
                    production.backflush_configuration_warning = "\n".join(problems)
                continue
            problems = Readiness._completion_problems(production)
            if problems:
                production.backflush_configuration_warning = production._backflush_warning_text(
                    problems
                )

    def _backflush_warning_text(self, problems):
        self.ensure_one()
        if self.company_id.backflush_posting_mode == "deferred":
            outcome = self.env._(
                "This order can be marked done, but its backflush posting, recorded as "
                "Pending, will turn Failed in the Backflush Register until this is set:"
            )
        elif self.company_id.backflush_blocked_posting == "stop":
            outcome = self.env._("Marking this order done will be refused until this is set:")
        else:
            outcome = self.env._(
                "This order can be marked done, but its backflush posting will wait in the "
                "Backflush Register (state Failed) until this is set:"
            )
        who = self.env._(
            "Who sets it: category trigger and accounts, an accounting administrator "
            "(Invoicing / Administrator; Accounting / Administrator in Enterprise) in "
            "Manufacturing > Configuration > Backflush Costing; standard prices, bills of "
            "materials and Track Inventory, a manufacturing or inventory administrator on the "
            "product form; the backflush journal, an accounting administrator in Settings > "
            "Manufacturing > Backflush Costing."
        )
        lines = "\n".join(f"- {problem}" for problem in problems)
        return f"{outcome}\n{lines}\n{who}"
