from odoo import api, models


class MrpBackflushPostingPath(models.AbstractModel):
    _inherit = "mrp.backflush.posting.path"

    @api.model
    def _register_vals(self, event, entry=None):
        vals = super()._register_vals(event, entry)
        vals["repair_id"] = event.repair
        return vals
