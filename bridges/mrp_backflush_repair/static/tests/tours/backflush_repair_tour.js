/** @odoo-module **/
// The user who repairs (Inventory / User) ends the repair of a backflushed unit with a
// part fitted: the repair goes through and its chatter names the rework entry
// (mrp_backflush_repair/tests/test_tour_repair.py).

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("mrp_backflush_repair_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("repair.menu_repair_order", "open Repairs"),
        {
            content: "open the repair of BFR Gadget",
            trigger: ".o_list_view .o_data_row td:contains(BFR Gadget)",
            run: "click",
        },
        {
            content: "the part to fit is listed",
            trigger: ".o_field_widget[name=move_ids] td:contains(BFR Motor)",
        },
        {
            content: "Confirm Repair",
            trigger: ".o_statusbar_buttons button[name=action_validate]",
            run: "click",
        },
        {
            content: "Start Repair",
            trigger: ".o_statusbar_buttons button[name=action_repair_start]",
            run: "click",
        },
        {
            content: "End Repair",
            trigger: ".o_statusbar_buttons button[name=action_repair_end]:visible",
            run: "click",
        },
        {
            content: "the repair is done",
            trigger: '.o_statusbar_status button[aria-checked="true"]:contains("Repaired")',
        },
        {
            content: "the chatter names the rework entry",
            trigger: ".o-mail-Message-body:contains(Rework posted by backflush costing)",
        },
    ],
});
