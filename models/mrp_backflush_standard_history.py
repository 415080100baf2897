from odoo import api, fields, models
from odoo.tools import float_compare

from .internal_context import ROLL_UP

HISTORY_SOURCES = [
    ("update", "Standard Cost Update"),
    ("cancellation", "Update Cancelled"),
    ("roll_up", "Roll up standard cost"),
    ("import", "Import"),
    ("edit", "Edited"),
]


class MrpBackflushStandardHistory(models.Model):
    """Every change of a standard price, dated, per product and company, with its source
    (product.product.write records it): what the product form shows, and what tells the
    standard in force on a date (``_standards_on``)."""

    _name = "mrp.backflush.standard.history"
    _description = "Backflush Standard Cost History"
    _order = "date desc, id desc"
    _check_company_auto = True

    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True)
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, index=True, string="Product Template"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="In Force From",
        required=True,
        readonly=True,
        help="The day the new standard took effect (an update's effective date).",
    )
    old_standard = fields.Float(digits="Product Price", readonly=True)
    new_standard = fields.Float(digits="Product Price", readonly=True)
    source = fields.Selection(HISTORY_SOURCES, required=True, readonly=True)
    update_id = fields.Many2one(
        "mrp.backflush.standard.update", string="Standard Cost Update", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Changed By", readonly=True)

    @api.model
    def _record(self, products, old_prices, changes=None):
        """Keep the change of each of ``products`` whose standard moved from
        ``old_prices`` ({product id: price}); within an update (``changes``, a
        StandardChanges) the rows wait in it, to be created in one batch."""
        rows = [
            self._row_vals(product, old_prices[product.id], changes)
            for product in products
            if product.id in old_prices
            and self._price_moved(old_prices[product.id], product.standard_price)
        ]
        if changes is not None:
            changes.history.extend(rows)
        elif rows:
            self.sudo().create(rows)

    @api.model
    def _row_vals(self, product, old_price, changes):
        vals = {
            "product_id": product.id,
            "company_id": self.env.company.id,
            "date": fields.Date.context_today(self),
            "old_standard": old_price,
            "new_standard": product.standard_price,
            "source": self._source(),
            "user_id": self.env.uid,
        }
        if changes is not None:
            vals.update(date=changes.date, source=changes.source, update_id=changes.update.id)
        return vals

    @api.model
    def _price_moved(self, old_price, new_price):
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return float_compare(old_price, new_price, precision_digits=digits) != 0

    @api.model
    def _source(self):
        if ROLL_UP.is_on(self):
            return "roll_up"
        if self.env.context.get("import_file"):  # base_import's load
            return "import"
        return "edit"

    @api.model
    def _standards_on(self, company, date):
        """{product id: standard in force on ``date``} of the products whose standard in
        ``company`` changed after it: the old standard of their first change after
        ``date`` (the others are at their standard of today). One query."""
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (product_id) product_id, old_standard
              FROM mrp_backflush_standard_history
             WHERE company_id = %s AND date > %s
          ORDER BY product_id, date, id
            """,
            [company.id, date],
        )
        return dict(self.env.cr.fetchall())
