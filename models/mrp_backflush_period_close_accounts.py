from odoo import api, models


class MrpBackflushPeriodCloseAccounts(models.AbstractModel):
    """The accounts a period close of conversion costs (mrp.backflush.period.close)
    proposes for a company: those its product categories apply conversion costs to, and
    the write-off account of each disposition. The Close Conversion Costs wizard's
    defaults."""

    _name = "mrp.backflush.period.close.accounts"
    _description = "Backflush Period Close Default Accounts"

    @api.model
    def _applied_accounts(self, company):
        return self._category_accounts(company, "property_backflush_conversion_account_id")

    @api.model
    def _write_off_account(self, company, disposition):
        """The write-off account of ``disposition`` ("cogs" or "variance"), or none."""
        if not company:
            return self.env["account.account"]
        if disposition == "cogs":
            return self._cogs_account(company)
        return self._variance_account(company)

    @api.model
    def _cogs_account(self, company):
        """The company's cost of goods sold: the expense account of the default product
        category when it is a direct cost, else the company's first direct cost account."""
        Account = self.env["account.account"].with_company(company)
        category = self.env.ref("product.product_category_all", raise_if_not_found=False)
        expense = (
            category.with_company(company).property_account_expense_categ_id
            if category
            else Account
        )
        if expense.account_type == "expense_direct_cost":
            return expense
        direct_cost = Account.search(
            [
                *Account._check_company_domain(company),
                ("account_type", "=", "expense_direct_cost"),
                ("deprecated", "=", False),
            ],
            limit=1,
        )
        return direct_cost or expense

    @api.model
    def _variance_account(self, company):
        """The production variance account of the company's categories, if there is one."""
        accounts = self._category_accounts(
            company, "property_backflush_production_variance_account_id"
        )
        return accounts if len(accounts) == 1 else accounts.browse()

    @api.model
    def _category_accounts(self, company, field_name):
        """The accounts set in ``field_name`` (company-dependent) on the company's product
        categories."""
        categories = (
            self.env["product.category"].with_company(company).search([(field_name, "!=", False)])
        )
        return categories.mapped(field_name)
