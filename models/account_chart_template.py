from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        # Runs for every company that gets a chart, including charts loaded after install.
        result = super()._post_load_data(template_code, company, template_data)
        (company or self.env.company)._backflush_ensure_journal()
        return result
