from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    backflush_production_id = fields.Many2one(
        "mrp.production",
        string="Backflushed Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The manufacturing order whose backflush costing posted this entry.",
    )
    backflush_posting_ids = fields.One2many(
        "mrp.backflush.posting", "move_id", string="Backflush Postings", readonly=True
    )
    is_backflush_entry = fields.Boolean(
        compute="_compute_is_backflush_entry",
        help="Posted by backflush costing and kept in its register: it is undone by its "
        "event, so Reset to Draft and Reverse Entry are hidden.",
    )

    def _compute_is_backflush_entry(self):
        entries = self._backflush_entries()
        for move in self:
            move.is_backflush_entry = move in entries

    def _compute_show_reset_to_draft_button(self):
        result = super()._compute_show_reset_to_draft_button()
        for move in self._backflush_entries():
            move.show_reset_to_draft_button = False
        return result

    def _backflush_entries(self):
        """The entries of ``self`` that a backflush register record points to."""
        return self.filtered(lambda move: move.sudo().backflush_posting_ids)

    def write(self, vals):
        # Any path that takes a posted backflush entry out of the posted state (write,
        # button_draft, button_cancel, RPC) is refused: the register would still say
        # Posted while the ledger lost the entry.
        if "state" in vals and vals["state"] != "posted":
            self.filtered(lambda move: move.state == "posted")._backflush_refuse_undo()
        return super().write(vals)

    def unlink(self):
        self._backflush_refuse_undo()
        return super().unlink()

    def button_draft(self):
        self._backflush_refuse_undo()
        return super().button_draft()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        self._backflush_refuse_undo()
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    def _backflush_refuse_line_change(self):
        backflushed = self._backflush_entries()
        if backflushed:
            raise UserError(
                self.env._(
                    "The journal items of %(entries)s cannot be added, deleted, or changed in "
                    "account, amount, product or quantity: backflush costing posted them and "
                    "keeps them in the Backflush Register. Undo the event itself instead "
                    "(unbuild, return, Record Scrap / Variance).",
                    entries=", ".join(backflushed.mapped("name")),
                )
            )

    def _backflush_refuse_undo(self):
        """Backflush entries are undone by the operation that undoes their event, so that
        the register and later mirrors stay right."""
        backflushed = self._backflush_entries()
        if len(backflushed) == 1:
            raise UserError(
                self.env._(
                    "Journal entry %(entry)s was posted by backflush costing and is kept in "
                    "the Backflush Register, so it cannot be reset to draft, cancelled, "
                    "deleted or reversed by hand. Undo its event instead: unbuild the order, "
                    "return the delivery, or record the difference with Record scrap / "
                    "variance.",
                    entry=backflushed.name,
                )
            )
        if backflushed:
            raise UserError(
                self.env._(
                    "Journal entries %(entries)s were posted by backflush costing and are "
                    "kept in the Backflush Register, so they cannot be reset to draft, "
                    "cancelled, deleted or reversed by hand. Undo their events instead: "
                    "unbuild the order, return the delivery, or record the difference with "
                    "Record Scrap / Variance.",
                    entries=", ".join(backflushed.mapped("name")),
                )
            )

    def action_view_backflush_production(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mrp.production",
            "res_id": self.backflush_production_id.id,
            "view_mode": "form",
        }
