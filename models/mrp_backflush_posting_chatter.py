from collections import defaultdict

from markupsafe import Markup

from odoo import models
from odoo.tools import format_date, formatLang

from .internal_context import REGISTER_UPDATE


class MrpBackflushPostingChatter(models.Model):
    """What a posting tells the documents it comes from: a line in their chatter, and a
    note when a locked period moved its entry's date."""

    _inherit = "mrp.backflush.posting"

    def _origin_document(self):
        """The document whose chatter tells of this posting: its order or transfer (the
        mrp_backflush_repair bridge adds the repair), or an empty recordset."""
        self.ensure_one()
        return self.production_id or self.picking_id

    def _log_on_origins(self):
        """One line per posting with an entry in the chatter of its order (or transfer,
        or repair): the entry, linked, and its amount; written as logs in one batch per
        model, so that nobody is notified and the shop floor's close stays cheap."""
        bodies = defaultdict(lambda: defaultdict(list))
        for posting in self.filtered("move_id"):
            origin = posting.sudo()._origin_document()
            if origin:
                bodies[origin._name][origin.id].append(posting._log_line())
        for model, lines_by_id in bodies.items():
            self.env[model].browse(list(lines_by_id)).sudo()._message_log_batch(
                {record_id: Markup("<br/>").join(lines) for record_id, lines in lines_by_id.items()}
            )

    def _log_line(self):
        """The entry by its number and amount. On an order the number links the register
        record, which everyone who reads the order's chatter may open (Manufacturing /
        User and the readers of the books; the entry itself is for accounting users and
        its link would give the others an Access Error) and which links the entry; on a
        transfer, whose stock users may open neither, it is plain text."""
        entry = self.move_id
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        number = entry.name
        if self.production_id:
            number = Markup(
                '<a href="#" data-oe-model="mrp.backflush.posting" data-oe-id="%s">%s</a>'
            ) % (self.id, entry.name)
        return Markup(self.env._("%(kind)s posted by backflush costing: %(entry)s, %(amount)s")) % {
            "kind": kind,
            "entry": number,
            "amount": formatLang(self.env, entry.amount_total, currency_obj=self.currency_id),
        }

    def _note_shifted_dates(self):
        """A locked period moves the entry to the first open day: say so, on both sides."""
        for posting in self.filtered("date_shifted"):
            note = self.env._(
                "The period of %(event)s was locked when this was posted: the entry is dated "
                "%(accounting)s, the first open day.",
                event=format_date(self.env, posting.date),
                accounting=format_date(self.env, posting.accounting_date),
            )
            REGISTER_UPDATE.on(posting).note = note
            posting.move_id.narration = note
