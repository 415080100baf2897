# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "MRP Backflush Costing",
    "summary": "Backflush costing: post material and conversion at standard when good "
    "units are completed, and catch deviations as variances",
    "version": "18.0.1.6.0",
    "category": "Manufacturing/Manufacturing",
    "website": "https://github.com/mrp-backflush/mrp_backflush",
    "author": "mrp_backflush developers",
    "license": "LGPL-3",
    "depends": ["mrp_account"],
    "data": [
        "security/mrp_backflush_security.xml",
        "security/ir.model.access.csv",
        "data/res_company_data.xml",
        "data/ir_cron_data.xml",
        "views/mrp_backflush_posting_views.xml",
        "views/product_category_views.xml",
        "views/product_template_views.xml",
        "views/res_company_views.xml",
        "views/mrp_production_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/mrp_backflush_standard_update_views.xml",
        "wizards/mrp_backflush_variance_wizard_views.xml",
        "wizards/mrp_backflush_conversion_close_wizard_views.xml",
        "wizards/mrp_backflush_reconciliation_wizard_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/mrp_backflush_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["mrp_backflush/static/tests/tours/**/*"],
    },
}
