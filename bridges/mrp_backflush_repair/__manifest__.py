# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "MRP Backflush Costing - Repairs",
    "summary": "Cost the repairs of backflushed products the backflush way: parts to "
    "Rework Variance, one entry per repair, never Odoo's production account",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Manufacturing",
    "website": "https://github.com/mrp-backflush/mrp_backflush",
    "author": "mrp_backflush developers",
    "license": "LGPL-3",
    # Installs itself when both are there, as Odoo's mrp_repair bridges mrp and repair:
    # mrp_backflush alone never pulls Repairs (and its sale_management) into a database.
    "depends": ["mrp_backflush", "repair"],
    "auto_install": True,
    "data": [
        "security/ir.model.access.csv",
        "views/repair_order_views.xml",
        "views/mrp_backflush_posting_views.xml",
    ],
    "demo": [
        "demo/mrp_backflush_repair_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["mrp_backflush_repair/static/tests/tours/**/*"],
    },
}
