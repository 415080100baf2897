"""What the attempts work on, set up by admin: the demo's Completion plant, a
Shipment-costed product made of its components, a second company, one user per role."""

from dataclasses import dataclass, field

from ..plant import (
    Plant,
    category_accounts,
    close_now,
    confirmed_orders,
    made_product,
    prepare_plant,
)
from .roles import ATTACK_PASSWORD, DEMO_PASSWORDS, ROLES, ensure_user


@dataclass
class Setup:
    """What the attempts work on, made by admin."""

    company: int
    other_company: int
    stock_location: int
    customer_location: int
    components: list
    completion_product: int
    completion_bom: int
    shipment_product: int
    frame: int
    users: dict = field(default_factory=dict)  # role key -> (login, password)


def create_shipment_plant(admin, plant):
    """A Shipment-costed product made of the demo's components, 30 units on hand."""
    accounts = category_accounts(admin)
    category = admin.call(
        "product.category",
        "create",
        {
            "name": "Attack shipment-costed",
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            **accounts,
        },
    )
    admin.call("product.category", "write", [category], {"property_backflush_trigger": "shipment"})
    shipped = made_product(admin, "Attack shipped widget", category, plant.components, 100.0, 10.0)
    close_now(admin, confirmed_orders(admin, shipped, [30]))
    return shipped.product


def set_up(ctx, admin):
    fixes = prepare_plant(ctx, admin)
    plant = ctx.plant
    company = admin.company_id()
    other_company = admin.call("res.company", "create", {"name": "Attack Other Company"})
    admin.call(
        "res.users",
        "write",
        [admin.uid],
        {"company_ids": [[4, other_company]]},
    )
    frame = admin.ref("mrp_backflush.demo_product_frame") or plant.components[0]
    setup = Setup(
        company=company,
        other_company=other_company,
        stock_location=plant.location,
        customer_location=admin.ref("stock.stock_location_customers"),
        components=plant.components,
        completion_product=plant.product,
        completion_bom=plant.bom,
        shipment_product=create_shipment_plant(admin, plant),
        frame=frame,
    )
    for key, _title, login, groups, in_other in ROLES:
        if groups is None:
            setup.users[key] = (login, DEMO_PASSWORDS[login])
        else:
            ensure_user(admin, login, groups, company, other_company if in_other else None)
            setup.users[key] = (login, ATTACK_PASSWORD)
    return setup, fixes


def confirmed_order(admin, setup, product=None, quantity=2.0):
    return confirmed_orders(
        admin,
        Plant(product or setup.completion_product, setup.completion_bom, setup.components, None),
        [quantity],
    )[0]


def done_order(admin, setup, quantity=4.0):
    order = confirmed_order(admin, setup, quantity=quantity)
    close_now(admin, [order])
    return order
