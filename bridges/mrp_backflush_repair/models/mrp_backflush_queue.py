from odoo import api, models

from odoo.addons.mrp_backflush.costing import (
    EVENT_REWORK,
)


class MrpBackflushQueue(models.AbstractModel):
    _inherit = "mrp.backflush.queue"

    @api.model
    def _retry_event(self, posting, pending):
        if posting.kind == EVENT_REWORK:
            return posting.repair_id._backflush_retry_event(pending, posting.date)
        return super()._retry_event(posting, pending)
