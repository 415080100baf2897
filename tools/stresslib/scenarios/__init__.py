"""The stress tier's scenarios, in the order they run: each races concurrent clients
on orders of its own, then checks what it raced on."""

from .closes import scenario_many_clients, scenario_same_order
from .deferred import scenario_deferred_race
from .killed_worker import scenario_killed_worker
from .repair import scenario_double_repair_end
from .retry import scenario_retry_race
from .standard_update import scenario_double_update_post
from .unbuild_scrap import scenario_double_scrap, scenario_double_unbuild

SCENARIOS = [
    # number, title, its orders' quantities, function and its arguments, seconds it needs
    (1, "2 clients mark one order done, x10", [5] * 10, scenario_same_order, (), 20),
    (2, "2 unbuilds of 6 of a done order of 10, x5", [10] * 5, scenario_double_unbuild, (6,), 20),
    (3, "2 posts of one scrap wizard, x5", [2] * 5, scenario_double_scrap, (), 15),
    (4, "4 clients close 25 orders each", [1] * 100, scenario_many_clients, (4,), 40),
    (5, "worker SIGKILLed in a close of 20 orders", [2] * 20, scenario_killed_worker, (), 20),
    (6, "queued posting: 2 Retry + cron at once, x5", [2] * 5, scenario_retry_race, (), 20),
    (
        7,
        "deferred: 4 clients close 12, then 2 Post Now + cron",
        [1] * 12,
        scenario_deferred_race,
        (),
        20,
    ),
    (
        8,
        "2 posts of one standard cost update, per component",
        [],
        scenario_double_update_post,
        (),
        15,
    ),
    (9, "2 clients end one repair (rework), x5", [1] * 5, scenario_double_repair_end, (), 20),
]
