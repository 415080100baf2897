from odoo import api, models
from odoo.tools import float_is_zero

from odoo.addons.mrp_backflush.costing import REWORK_VARIANCE, SCRAP_VARIANCE


class MrpBackflushReadiness(models.AbstractModel):
    _inherit = "mrp.backflush.readiness"

    @api.model
    def _rework_problems(self, repair):
        """What is missing to post the rework of ``repair`` (read in its company), as
        sentences: the journal, the repaired product's Rework Variance account (and
        its Scrap Variance account when a part goes to scrap) and what each costed part
        needs as a component does. A repair that costs no part needs nothing."""
        repair = repair.with_company(repair.company_id)
        # Odoo cancels the parts of no quantity when the repair ends (action_repair_done).
        moves = repair.move_ids.filtered(
            lambda move: (
                move.state != "cancel"
                and not float_is_zero(move.quantity, precision_rounding=move.product_uom.rounding)
                and move._backflush_is_rework_part()
            )
        )
        if not moves:
            return []
        company = repair.company_id
        category = repair.product_id.categ_id
        problems = []
        if not company.backflush_journal_id:
            problems.append(self.env._("Company %s has no backflush journal.", company.name))
        needed = [REWORK_VARIANCE]
        scrapped = moves.filtered(
            lambda move: (
                move.repair_line_type != "add" and not move.location_dest_id._should_be_valued()
            )
        )
        if scrapped:
            needed.append(SCRAP_VARIANCE)
        problems += self._missing_accounts(category, needed)
        for part in moves.product_id:
            problems += self._input_problems(part)
        costed = self._shipment_costed(moves.product_id, company)
        if costed:
            problems.append(self._shipment_costed_input_sentence(repair.name, costed))
        return problems
