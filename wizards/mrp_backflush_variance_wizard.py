from collections import defaultdict

from psycopg2 import errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..costing import condensed
from ..models.internal_context import SCRAP_BATCH

# Orders the wizard records scrap against.
WIZARD_STATES = ("progress", "to_close", "done")


class MrpBackflushVarianceWizard(models.TransientModel):
    """Record scrapped components or finished units of an order, and post them at
    standard against the scrap variance account (Odoo's scrap moves included).

    A screen: the rules are stock.scrap._backflush_scrap_problems (Odoo's own Scrap button
    runs them too) and the entry is mrp.production._backflush_scrap_entry, which both the
    preview and the posting use.
    """

    _name = "mrp.backflush.variance.wizard"
    _description = "Backflush Scrap / Variance"

    production_id = fields.Many2one(
        "mrp.production",
        string="Manufacturing Order",
        required=True,
        domain="[('backflush_is_backflushed', '=', True), "
        "('state', 'in', ('progress', 'to_close', 'done'))]",
        help="Backflushed orders in progress or done.",
    )
    company_id = fields.Many2one(related="production_id.company_id")
    currency_id = fields.Many2one(related="production_id.company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("mrp.backflush.variance.wizard.line", "wizard_id", string="Lines")
    allowed_product_ids = fields.Many2many(
        "product.product", compute="_compute_allowed_product_ids"
    )
    source_location_id = fields.Many2one(
        "stock.location", string="Scrapped From", compute="_compute_locations"
    )
    scrap_location_id = fields.Many2one("stock.location", compute="_compute_locations")
    state = fields.Selection([("draft", "Draft"), ("posted", "Posted")], default="draft")
    preview_line_ids = fields.One2many(
        "mrp.backflush.variance.wizard.preview",
        "wizard_id",
        string="Journal Entry to Post",
        compute="_compute_preview",
        store=True,
        readonly=True,
    )
    problems = fields.Text(
        compute="_compute_problems",
        help="What must be fixed before Post, checked as the lines are entered.",
    )
    recorded_posting_ids = fields.Many2many(
        "mrp.backflush.posting",
        string="Already Recorded for this Order",
        compute="_compute_recorded_posting_ids",
    )

    @api.depends("production_id")
    def _compute_allowed_product_ids(self):
        for wizard in self:
            production = wizard.production_id
            wizard.allowed_product_ids = (
                production._backflush_scrappable_products() if production else False
            )

    @api.depends("production_id")
    def _compute_locations(self):
        for wizard in self:
            production = wizard.production_id
            wizard.source_location_id = production and (
                production.location_dest_id
                if production.state == "done"
                else production.location_src_id
            )
            wizard.scrap_location_id = production and self.env["stock.location"].search(
                [("company_id", "=", production.company_id.id), ("scrap_location", "=", True)],
                order="id",
                limit=1,
            )

    @api.depends("production_id")
    def _compute_recorded_posting_ids(self):
        for wizard in self:
            wizard.recorded_posting_ids = wizard.production_id.backflush_posting_ids

    # ------------------------------------------------------------------
    # Preview: built by the same methods that check and post.
    # ------------------------------------------------------------------

    def _requests(self):
        return [line._request() for line in self.line_ids if line.product_id]

    def _problems(self):
        production = self.production_id
        if not production._backflush_is_backflushed():
            return [self._not_backflushed_message()]
        if not self.line_ids:
            return [self.env._("Add at least one line to scrap.")]
        problems = self.env["stock.scrap"]._backflush_scrap_problems(
            production, self._requests(), self.date, states=WIZARD_STATES
        )
        try:
            production._backflush_check_configuration(self.env._("the scrap of %s"))
        except UserError as error:
            problems.append(str(error))
        return problems

    def _preview_entry(self):
        """The costing Entry Post would post for the lines with a positive quantity."""
        self.ensure_one()
        production = self.production_id.with_company(self.company_id)
        items = defaultdict(float)
        for request in self._requests():
            if request.quantity > 0 and request.product.is_storable:
                items[request.product] += request.quantity
        return production._backflush_scrap_entry(
            {product: (quantity, None) for product, quantity in items.items()}
        )

    @api.depends(
        "production_id",
        "date",
        "line_ids.product_id",
        "line_ids.quantity",
        "line_ids.lot_id",
        "line_ids.reason_tag_ids",
    )
    def _compute_problems(self):
        for wizard in self:
            problems = wizard._problems() if wizard.production_id else []
            wizard.problems = "\n".join(problems) or False

    @api.depends("problems", "production_id", "line_ids.product_id", "line_ids.quantity")
    def _compute_preview(self):
        Preview = self.env["mrp.backflush.variance.wizard.preview"]
        labels = dict(self.env["account.move.line"]._fields["backflush_kind"].selection)
        for wizard in self:
            entry = None
            # No preview of an entry that will not post: the problems say why.
            if wizard.production_id and wizard.line_ids and not wizard.problems:
                try:
                    entry = wizard._preview_entry()
                except UserError:
                    entry = None  # the configuration gap is listed in problems
            # As it will be posted: one journal item per account and kind.
            wizard.preview_line_ids = Preview._commands(
                condensed(entry).lines if entry else (),
                lambda line: labels.get(line.kind, line.kind),
            )

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    def action_post(self):
        self.ensure_one()
        self._lock_for_posting()
        problems = self._problems()
        if problems:
            raise UserError("\n".join(problems))
        scraps = self._make_scraps()
        postings = scraps._backflush_post_scrap(date=self.date)
        self.state = "posted"
        action = self.env["ir.actions.actions"]._for_xml_id(
            "mrp_backflush.mrp_backflush_posting_action"
        )
        action.update({"res_id": postings.id, "view_mode": "form", "views": [(False, "form")]})
        if not self.env.context.get("default_production_id"):
            # Opened from the menu: the posting starts a new trail, on the menu's breadcrumbs
            # each post would pile one more.
            action["target"] = "main"
        return action

    def _lock_for_posting(self):
        """Refuse a second click: the wizard row is locked until the post commits."""
        if self.state == "posted":
            raise UserError(self.env._("This scrap has already been posted."))
        try:
            self.env.cr.execute(
                "SELECT id FROM mrp_backflush_variance_wizard WHERE id = %s FOR UPDATE NOWAIT",
                [self.id],
            )
        except errors.LockNotAvailable as error:
            raise UserError(
                self.env._("This scrap is already being posted; wait for it to finish.")
            ) from error

    def _make_scraps(self):
        """Odoo scrap records, done, so that stock quantities stay true.

        Created as superuser: an accountant may post scrap without stock rights; the
        lines were checked above under the user's own rights.
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
                    "location_id": self.source_location_id.id,
                    "scrap_reason_tag_ids": [Command.set(line.reason_tag_ids.ids)],
                    "company_id": self.company_id.id,
                }
                for line in self.line_ids
            ]
        )
        SCRAP_BATCH.on(scraps).do_scrap()
        return scraps.with_env(self.env).with_company(self.company_id)

    def _not_backflushed_message(self):
        return self.env._(
            "%(order)s makes %(product)s, whose category is not under a backflush trigger: "
            "use Odoo's Scrap button on the order instead.",
            order=self.production_id.name,
            product=self.production_id.product_id.display_name,
        )
