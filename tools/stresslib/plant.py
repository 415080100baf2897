"""The plant the drivers work on, set up as admin over XML-RPC: the company's chart of
accounts and backflush journal, the demo's finished product (or one of our own), its
category's accounts, its components in stock, confirmed orders."""

import contextlib
from dataclasses import dataclass

COMPONENT_STOCK = 100000.0
CATEGORY_ACCOUNTS = {
    "property_stock_valuation_account_id": ("STRESS.FG", "asset_current"),
    "property_backflush_conversion_account_id": ("STRESS.APP", "expense_direct_cost"),
    "property_backflush_usage_variance_account_id": ("STRESS.USE", "expense_direct_cost"),
    "property_backflush_scrap_variance_account_id": ("STRESS.SCR", "expense_direct_cost"),
    "property_backflush_production_variance_account_id": ("STRESS.PRV", "expense_direct_cost"),
}


@dataclass
class Plant:
    product: int
    bom: int
    components: list
    location: int


def prepare_plant(ctx, admin):
    """Check that the demo data gives a usable plant; complete what is missing."""
    fixes = []
    ensure_company(admin, fixes)
    plant = find_plant(admin)
    if plant is None:
        plant = create_plant(admin)
        plant.location = find_plant_location(admin)
        fixes.append("the demo has no finished product: created a plant")
    ensure_category(admin, plant, fixes)
    ensure_components(admin, plant, fixes)
    stock_components(admin, plant)
    ctx.plant = plant
    return fixes


def find_plant(admin):
    """The demo's finished product, its bill of materials and components, or None."""
    product = admin.ref("mrp_backflush.demo_product_widget")
    bom = admin.ref("mrp_backflush.demo_bom_widget")
    if not product or not bom:
        return None
    lines = admin.call("mrp.bom.line", "search_read", [("bom_id", "=", bom)], fields=["product_id"])
    components = [line["product_id"][0] for line in lines]
    return Plant(product, bom, components, find_plant_location(admin))


def find_plant_location(admin):
    """The stock location of the admin's company's warehouse."""
    (warehouse,) = admin.call(
        "stock.warehouse",
        "search_read",
        [("company_id", "=", admin.company_id())],
        fields=["lot_stock_id"],
        limit=1,
    )
    return warehouse["lot_stock_id"][0]


def ensure_company(admin, fixes):
    """The admin's company needs a chart of accounts and the backflush journal."""
    company_id = admin.company_id()
    (company,) = admin.call(
        "res.company", "read", [company_id], ["chart_template", "backflush_journal_id"]
    )
    if not company["chart_template"]:
        admin.call_returning_none(
            "account.chart.template", "try_loading", [], "generic_coa", company_id
        )
        fixes.append("loaded the generic chart of accounts")
        (company,) = admin.call("res.company", "read", [company_id], ["backflush_journal_id"])
    if not company["backflush_journal_id"]:
        found = admin.call(
            "account.journal",
            "search",
            [("code", "=", "BFL"), ("company_id", "=", company_id)],
            limit=1,
        )
        if found:
            journal = found[0]
        else:
            journal = admin.call(
                "account.journal",
                "create",
                {"name": "Backflush Costing", "code": "BFL", "type": "general"},
            )
        admin.call("res.company", "write", [company_id], {"backflush_journal_id": journal})
        fixes.append("set the backflush journal on the company")


def account(admin, code, account_type):
    found = admin.call("account.account", "search", [("code", "=", code)], limit=1)
    if found:
        return found[0]
    return admin.call(
        "account.account", "create", {"code": code, "name": code, "account_type": account_type}
    )


def category_accounts(admin):
    """{category account field: account id} of CATEGORY_ACCOUNTS, created when missing."""
    return {name: account(admin, code, kind) for name, (code, kind) in CATEGORY_ACCOUNTS.items()}


def ensure_category(admin, plant, fixes):
    """The finished product's category: standard, automated, Completion, all accounts."""
    (product,) = admin.call("product.product", "read", [plant.product], ["categ_id"])
    category_id = product["categ_id"][0]
    fields_ = ["property_backflush_trigger", "property_cost_method", "property_valuation"]
    (category,) = admin.call(
        "product.category", "read", [category_id], fields_ + list(CATEGORY_ACCOUNTS)
    )
    values = {}
    if category["property_cost_method"] != "standard":
        values["property_cost_method"] = "standard"
    if category["property_valuation"] != "real_time":
        values["property_valuation"] = "real_time"
    if category["property_backflush_trigger"] != "completion":
        values["property_backflush_trigger"] = "completion"
    for name, (code, account_type) in CATEGORY_ACCOUNTS.items():
        if not category[name]:
            values[name] = account(admin, code, account_type)
    if values:
        admin.call("product.category", "write", [category_id], values)
        fixes.append(f"set {', '.join(sorted(values))} on the finished product's category")


def ensure_components(admin, plant, fixes):
    """Storable components with a standard price."""
    rows = admin.call(
        "product.product", "read", plant.components, ["is_storable", "standard_price"]
    )
    for row in rows:
        values = {}
        if not row["is_storable"]:
            values["is_storable"] = True
        if not row["standard_price"]:
            values["standard_price"] = 5.0
        if values:
            admin.call("product.product", "write", [row["id"]], values)
            fixes.append(f"set {', '.join(sorted(values))} on component {row['id']}")


def create_plant(admin):
    """A plant of our own when the demo data has no finished product: two components."""
    components = made_components(admin, "Stress", "real_time", "STRESS.RIP", 2, 5.0)
    finished_category = admin.call("product.category", "create", {"name": "Stress finished"})
    return made_product(admin, "Stress finished", finished_category, components, 30.0, 10.0)


def made_components(admin, label, valuation, rip_code, count, base_price):
    """``count`` storable components "<label> component <index>", at a standard of
    ``base_price`` + index, in a new standard-costed category "<label> components" of
    ``valuation`` whose stock account is ``rip_code`` (created when missing)."""
    rip = account(admin, rip_code, "asset_current")
    category = admin.call(
        "product.category",
        "create",
        {
            "name": f"{label} components",
            "property_cost_method": "standard",
            "property_valuation": valuation,
            "property_stock_valuation_account_id": rip,
        },
    )
    return admin.call(
        "product.product",
        "create",
        [
            {
                "name": f"{label} component {index}",
                "is_storable": True,
                "categ_id": category,
                "standard_price": base_price + index,
            }
            for index in range(count)
        ],
    )


def made_product(admin, name, category, components, standard_price, conversion_cost):
    """A storable product of ``category`` with a bill of one of each of ``components``
    (flexible consumption): a Plant without its location."""
    product = admin.call(
        "product.product",
        "create",
        {
            "name": name,
            "is_storable": True,
            "categ_id": category,
            "standard_price": standard_price,
            "backflush_conversion_cost": conversion_cost,
        },
    )
    (template,) = admin.call("product.product", "read", [product], ["product_tmpl_id"])
    bom = admin.call(
        "mrp.bom",
        "create",
        {
            "product_tmpl_id": template["product_tmpl_id"][0],
            "product_qty": 1.0,
            "consumption": "flexible",
            "bom_line_ids": [[0, 0, {"product_id": c, "product_qty": 1.0}] for c in components],
        },
    )
    return Plant(product, bom, components, None)


def stock_components(admin, plant):
    """Plenty of every component: an inventory adjustment applied as admin."""
    quants = admin.call(
        "stock.quant",
        "create",
        [
            {
                "product_id": component,
                "location_id": plant.location,
                "inventory_quantity": COMPONENT_STOCK,
            }
            for component in plant.components
        ],
        context={"inventory_mode": True},
    )
    admin.call_returning_none("stock.quant", "action_apply_inventory", quants)
    rows = admin.call(
        "product.product",
        "read",
        plant.components,
        ["qty_available"],
        context={"location": plant.location},
    )
    short = [row["id"] for row in rows if row["qty_available"] < COMPONENT_STOCK / 2]
    if short:
        raise RuntimeError(f"could not stock components {short}")


def confirmed_orders(admin, plant, sizes):
    """Create and confirm one order per quantity of ``sizes``; returns their ids."""
    orders = admin.call(
        "mrp.production",
        "create",
        [
            {"product_id": plant.product, "bom_id": plant.bom, "product_qty": float(size)}
            for size in sizes
        ],
    )
    admin.call("mrp.production", "action_confirm", orders)
    return orders


def close_now(admin, orders):
    """Mark orders done in one call (not part of any race); they must all be done."""
    admin.call("mrp.production", "button_mark_done", orders)
    states = admin.call("mrp.production", "read", orders, ["state"])
    not_done = [row["id"] for row in states if row["state"] != "done"]
    if not_done:
        raise RuntimeError(f"orders {not_done} are not done after button_mark_done")


@contextlib.contextmanager
def company_setting(admin, name, value):
    """The admin's company with its field ``name`` at ``value`` until the block ends,
    then put back as it was."""
    company = admin.company_id()
    (setting,) = admin.call("res.company", "read", [company], [name])
    admin.call("res.company", "write", [company], {name: value})
    try:
        yield
    finally:
        admin.call("res.company", "write", [company], {name: setting[name]})
