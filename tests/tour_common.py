from odoo import Command
from odoo.tests import HttpCase, new_test_user


class BackflushTourCommon(HttpCase):
    """Browser tours run as the module's users, not as the superuser (issue 11, 4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", cls.company)
        # No "Automatic Stock Accounting" group: Community has no setting for it, and the
        # category form shows Inventory Valuation to accounting administrators anyway.
        cls.stock_location = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .lot_stock_id
        )

    @classmethod
    def _user(cls, login, groups):
        groups = ",".join(
            xmlid
            for xmlid in groups.split(",")
            if cls.env.ref(xmlid, raise_if_not_found=False)  # e.g. sales, when installed
        )
        return new_test_user(
            cls.env,
            login=login,
            password=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _account(cls, code, name, account_type="expense"):
        return cls.env["account.account"].create(
            {"code": code, "name": name, "account_type": account_type}
        )
