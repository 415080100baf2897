def post_init_hook(env):
    """Give every company that already has a chart of accounts its backflush journal.

    Companies that get a chart later are handled by the chart loader
    (see models/account_chart_template.py).
    """
    companies = env["res.company"].search([("chart_template", "!=", False)])
    companies._backflush_ensure_journal()
