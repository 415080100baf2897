from odoo import models
from odoo.tools import float_compare

from ..costing import EntryLine, UnbuildableCompletion, to_decimal
from .internal_context import REGISTER_UPDATE


class MrpBackflushPostingReversal(models.Model):
    """A posting as its reversals see it: its entry's lines, what is still open of it,
    and the reversed quantity its posted reversals add up to."""

    _inherit = "mrp.backflush.posting"

    def _entry_lines(self):
        """This posting's entry as costing EntryLines (from its kind-tagged journal items)."""
        self.ensure_one()
        return tuple(
            EntryLine(
                account=line.account_id.id,
                amount=to_decimal(line.balance),
                kind=line.backflush_kind,
                product=line.product_id.id or None,
                quantity=to_decimal(line.quantity),
            )
            for line in self.sudo().move_id.line_ids
            if line.backflush_kind
        )

    def _open_quantity(self):
        self.ensure_one()
        return self.quantity - self.reversed_quantity

    def _unbuildable_completion(self):
        """This completion as an unbuild undoes it (costing.unbuild): its lines, and those
        of the reversals posted against it."""
        self.ensure_one()
        posted = self.reversal_ids.filtered(lambda reversal: reversal.state == "posted")
        return UnbuildableCompletion(
            key=self,
            quantity=to_decimal(self.quantity),
            reversed_quantity=to_decimal(self.reversed_quantity),
            lines=self._entry_lines(),
            reversed_lines=tuple(line for reversal in posted for line in reversal._entry_lines()),
        )

    def _update_reversed_quantity(self):
        """Reversed quantity and state from the reversals that are posted: a Pending or
        Failed one undoes nothing yet (it is counted once posted, see _post_queued)."""
        for posting in self:
            posted = posting.reversal_ids.filtered(lambda reversal: reversal.state == "posted")
            reversed_quantity = sum(posted.mapped("quantity"))
            rounding = posting.product_id.uom_id.rounding
            done = float_compare(reversed_quantity, posting.quantity, precision_rounding=rounding)
            REGISTER_UPDATE.on(posting).write(
                {
                    "reversed_quantity": reversed_quantity,
                    "state": "reversed" if done >= 0 else posting.state,
                }
            )
