from odoo import Command, api, fields, models


class MrpBackflushEntryPreview(models.AbstractModel):
    """A journal item of the entry a wizard previews before Post: a costing EntryLine's
    account, what it is and its amount. A wizard's preview model inherits it and adds its
    wizard_id, with currency_id related to the wizard's."""

    _name = "mrp.backflush.entry.preview"
    _description = "Backflush Entry Preview Line"

    sequence = fields.Integer()
    # The Monetary fields need one here; each preview relates it to its wizard's.
    currency_id = fields.Many2one("res.currency")
    account_id = fields.Many2one("account.account", readonly=True)
    label = fields.Char(readonly=True)
    debit = fields.Monetary(readonly=True)
    credit = fields.Monetary(readonly=True)

    @api.model
    def _commands(self, lines, label):
        """The commands that make a wizard's preview ``lines`` (costing EntryLines), in
        their order, each labelled ``label(line)``."""
        return [Command.clear()] + [
            Command.create(self._line_vals(sequence, line, label))
            for sequence, line in enumerate(lines, start=1)
        ]

    @api.model
    def _line_vals(self, sequence, line, label):
        return {
            "sequence": sequence,
            "account_id": line.account or False,
            "label": label(line),
            "debit": float(line.debit),
            "credit": float(line.credit),
        }
