from collections import defaultdict

from markupsafe import Markup
from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_amount


class MrpBackflushVarianceWizard(models.TransientModel):
    """Record scrapped components or finished units of an order, and post them at
    standard against the scrap variance account (Odoo's scrap moves included)."""

    _name = "mrp.backflush.variance.wizard"
    _description = "Backflush Scrap / Variance"

    production_id = fields.Many2one(
        "mrp.production",
        string="Manufacturing Order",
        required=True,
        domain="[('state', 'in', ('progress', 'to_close', 'done'))]",
    )
    company_id = fields.Many2one(related="production_id.company_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("mrp.backflush.variance.wizard.line", "wizard_id", string="Lines")
    allowed_product_ids = fields.Many2many(
        "product.product", compute="_compute_allowed_product_ids"
    )
    state = fields.Selection([("draft", "Draft"), ("posted", "Posted")], default="draft")
    preview_html = fields.Html(compute="_compute_preview_html", sanitize=False)
    recorded_html = fields.Html(compute="_compute_recorded_html", sanitize=False)

    @api.depends("production_id")
    def _compute_allowed_product_ids(self):
        for wizard in self:
            production = wizard.production_id
            products = production.move_raw_ids.product_id | production.product_id
            wizard.allowed_product_ids = products.filtered("is_storable")

    # ------------------------------------------------------------------
    # Preview: built by the same method that posts.
    # ------------------------------------------------------------------

    def _items(self):
        """[(product, quantity in its UoM)] of the lines with a product and a quantity."""
        return [
            (line.product_id, line._product_quantity())
            for line in self.line_ids
            if line.product_id and line.quantity > 0
        ]

    def _preview_entry(self):
        self.ensure_one()
        production = self.production_id.with_company(self.company_id)
        return production._backflush_scrap_entry(self._items())

    @api.depends("production_id", "line_ids.product_id", "line_ids.quantity", "date")
    def _compute_preview_html(self):
        for wizard in self:
            if not wizard.production_id or not wizard._items():
                wizard.preview_html = False
                continue
            if not wizard.production_id._backflush_is_backflushed():
                wizard.preview_html = Markup("<p>%s</p>") % wizard._not_backflushed_message()
                continue
            wizard.preview_html = wizard._entry_table(wizard._preview_entry()) + (
                wizard._moves_table()
            )

    def _entry_table(self, entry):
        accounts = (
            self.env["account.account"].browse([line.account for line in entry.lines]).exists()
        )
        names = {account.id: account.display_name for account in accounts}
        currency = self.company_id.currency_id
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td></tr>"
            )
            % (
                names.get(line.account, ""),
                self.env["product.product"].browse(line.product).display_name
                if line.product
                else "",
                format_amount(self.env, float(line.debit), currency) if line.debit else "",
                format_amount(self.env, float(line.credit), currency) if line.credit else "",
            )
            for line in entry.lines
        )
        return Markup(
            "<h5>%s</h5><table class='table table-sm'><thead><tr><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (
            self.env._("Journal entry to post"),
            self.env._("Account"),
            self.env._("Product"),
            self.env._("Debit"),
            self.env._("Credit"),
            rows,
        )

    def _moves_table(self):
        scrap_location = self._scrap_location()
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s %s</td><td>%s</td><td>%s</td></tr>")
            % (
                line.product_id.display_name,
                line.quantity,
                line.product_uom_id.name,
                self._source_location().display_name,
                scrap_location.display_name,
            )
            for line in self.line_ids
            if line.product_id and line.quantity > 0
        )
        return Markup(
            "<h5>%s</h5><table class='table table-sm'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th>%s</th><th>%s</th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (
            self.env._("Stock moves to make"),
            self.env._("Product"),
            self.env._("Quantity"),
            self.env._("From"),
            self.env._("To"),
            rows,
        )

    @api.depends("production_id")
    def _compute_recorded_html(self):
        for wizard in self:
            postings = wizard.production_id.backflush_posting_ids
            if not postings:
                wizard.recorded_html = False
                continue
            currency = wizard.production_id.company_id.currency_id
            rows = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
                )
                % (
                    posting.date,
                    dict(posting._fields["kind"].selection)[posting.kind],
                    posting.quantity,
                    format_amount(self.env, posting.usage_variance, currency),
                    format_amount(self.env, posting.scrap_variance, currency),
                )
                for posting in postings.sorted("id")
            )
            wizard.recorded_html = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                self.env._("Date"),
                self.env._("Kind"),
                self.env._("Finished quantity"),
                self.env._("Usage variance (consumption at completion)"),
                self.env._("Scrap variance"),
                rows,
            )

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    def action_post(self):
        self.ensure_one()
        self._lock_for_posting()
        self._check_lines()
        self._check_date()
        scraps = self._make_scraps()
        postings = scraps._backflush_post_scrap(date=self.date)
        self.state = "posted"
        action = self.env["ir.actions.actions"]._for_xml_id(
            "mrp_backflush.mrp_backflush_posting_action"
        )
        action.update({"res_id": postings.id, "view_mode": "form", "views": [(False, "form")]})
        return action

    def _lock_for_posting(self):
        """Refuse a second click: the wizard row is locked until the post commits."""
        if self.state == "posted":
            raise ValidationError(self.env._("This scrap has already been posted."))
        try:
            self.env.cr.execute(
                "SELECT id FROM mrp_backflush_variance_wizard WHERE id = %s FOR UPDATE NOWAIT",
                [self.id],
            )
        except errors.LockNotAvailable as error:
            raise ValidationError(
                self.env._("This scrap is already being posted; wait for it to finish.")
            ) from error

    def _check_lines(self):
        production = self.production_id
        if not production._backflush_is_backflushed():
            raise ValidationError(self._not_backflushed_message())
        if not self.line_ids:
            raise ValidationError(self.env._("Add at least one line to scrap."))
        problems = [problem for line in self.line_ids for problem in line._problems()]
        problems += self._quantity_problems()
        if problems:
            raise ValidationError("\n".join(problems))

    def _quantity_problems(self):
        """More than is on hand, or more finished units than were produced."""
        problems = []
        requested = defaultdict(float)
        for line in self.line_ids:
            requested[(line.product_id, line.lot_id)] += line._product_quantity()
        location = self._source_location()
        production = self.production_id
        for (product, lot), quantity in requested.items():
            rounding = product.uom_id.rounding
            # On hand, reserved or not: scrapping reserved components is the usual case.
            on_hand = sum(
                self.env["stock.quant"]
                .sudo()
                ._gather(product, location, lot_id=lot or None, strict=False)
                .mapped("quantity")
            )
            if float_compare(quantity, on_hand, precision_rounding=rounding) > 0:
                problems.append(
                    self.env._(
                        "%(product)s: %(quantity)s %(unit)s requested but only %(on_hand)s on "
                        "hand in %(location)s.",
                        product=product.display_name,
                        quantity=quantity,
                        unit=product.uom_id.name,
                        on_hand=on_hand,
                        location=location.display_name,
                    )
                )
            if product == production.product_id:
                left = self._finished_not_yet_scrapped()
                if float_compare(quantity, left, precision_rounding=rounding) > 0:
                    problems.append(
                        self.env._(
                            "%(product)s: %(quantity)s finished units requested but the order "
                            "has produced only %(left)s that were not scrapped or unbuilt "
                            "already.",
                            product=product.display_name,
                            quantity=quantity,
                            left=left,
                        )
                    )
        return problems

    def _finished_not_yet_scrapped(self):
        # sudo: an accountant may not read scraps and unbuilds; only counted here.
        production = self.production_id.sudo()
        product = production.product_id
        produced = production.product_uom_id._compute_quantity(
            production.qty_produced, product.uom_id, round=False
        )
        scrapped = sum(
            scrap.product_uom_id._compute_quantity(scrap.scrap_qty, product.uom_id, round=False)
            for scrap in production.scrap_ids
            if scrap.state == "done" and scrap.product_id == product
        )
        unbuilt = sum(
            unbuild.product_uom_id._compute_quantity(
                unbuild.product_qty, product.uom_id, round=False
            )
            for unbuild in production.unbuild_ids
            if unbuild.state == "done"
        )
        return produced - scrapped - unbuilt

    def _check_date(self):
        # Lock dates and their exceptions are the current user's; sudo only reads the
        # journal, which a manufacturing administrator may not.
        journal = self.company_id.sudo().backflush_journal_id
        probe = (
            self.env["account.move"]
            .sudo()
            .new({"journal_id": journal.id, "company_id": self.company_id.id, "date": self.date})
        )
        violated = probe._get_violated_lock_dates(self.date, False)
        if violated:
            lock_date = max(lock for lock, _field in violated)
            raise ValidationError(
                self.env._(
                    "The accounting period of %(date)s is locked (up to %(lock)s). Choose a "
                    "later date, or ask an accounting administrator for a lock date exception.",
                    date=self.date,
                    lock=lock_date,
                )
            )

    def _make_scraps(self):
        """Odoo scrap records, done, so that stock quantities stay true.

        Created as superuser: an accountant may post scrap without stock rights; the
        lines were validated above under the user's own rights.
        """
        Scrap = self.env["stock.scrap"].sudo().with_company(self.company_id)
        scraps = Scrap.create(
            [
                {
                    "production_id": self.production_id.id,
                    "product_id": line.product_id.id,
                    "scrap_qty": line.quantity,
                    "product_uom_id": line.product_uom_id.id,
                    "lot_id": line.lot_id.id,
                    "location_id": self._source_location().id,
                    "scrap_reason_tag_ids": [(6, 0, line.reason_tag_ids.ids)],
                    "company_id": self.company_id.id,
                }
                for line in self.line_ids
            ]
        )
        scraps.with_context(backflush_scrap_batch=True).do_scrap()
        return scraps.with_env(self.env).with_company(self.company_id)

    def _source_location(self):
        production = self.production_id
        if production.state == "done":
            return production.location_dest_id
        return production.location_src_id

    def _scrap_location(self):
        return self.env["stock.location"].search(
            [("company_id", "=", self.company_id.id), ("scrap_location", "=", True)],
            order="id",
            limit=1,
        )

    def _not_backflushed_message(self):
        return self.env._(
            "%(order)s makes %(product)s, whose category is not under a backflush trigger: "
            "use Odoo's Scrap button on the order instead.",
            order=self.production_id.name,
            product=self.production_id.product_id.display_name,
        )


class MrpBackflushVarianceWizardLine(models.TransientModel):
    _name = "mrp.backflush.variance.wizard.line"
    _description = "Backflush Scrap / Variance Line"

    wizard_id = fields.Many2one("mrp.backflush.variance.wizard", required=True, ondelete="cascade")
    allowed_product_ids = fields.Many2many(related="wizard_id.allowed_product_ids")
    product_id = fields.Many2one(
        "product.product", required=True, domain="[('id', 'in', allowed_product_ids)]"
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", domain="[('product_id', '=', product_id)]"
    )
    reason_tag_ids = fields.Many2many("stock.scrap.reason.tag", string="Reasons")

    def _product_quantity(self):
        self.ensure_one()
        return self.quantity  # quantity is in the product's own UoM

    def _problems(self):
        """Input errors of this line, as sentences."""
        self.ensure_one()
        name = self.product_id.display_name or self.env._("A line")
        problems = []
        if (
            float_compare(
                self.quantity, 0.0, precision_rounding=self.product_uom_id.rounding or 0.01
            )
            <= 0
        ):
            problems.append(self.env._("%(product)s: the quantity must be positive.", product=name))
        if self.product_id not in self.wizard_id.allowed_product_ids:
            problems.append(
                self.env._(
                    "%(product)s is neither a component nor the finished product of %(order)s.",
                    product=name,
                    order=self.wizard_id.production_id.name,
                )
            )
        company = self.wizard_id.company_id
        if company.backflush_scrap_reason_required and not self.reason_tag_ids:
            problems.append(
                self.env._(
                    "%(product)s: give a scrap reason (your company requires one).",
                    product=name,
                )
            )
        if self.tracking in ("lot", "serial") and not self.lot_id:
            problems.append(
                self.env._("%(product)s is tracked: choose its lot or serial number.", product=name)
            )
        return problems
