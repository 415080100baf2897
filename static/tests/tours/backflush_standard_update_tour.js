/** @odoo-module **/
/**
 * The accounting administrator's standard cost update: a new one for Finished P, the
 * new price of Component A entered, computed (P rolled up), previewed (the entry per
 * account, then the pivot), posted, and its entry opened.
 * Started by tests/test_tour_standard_update.py (20 P on hand costed at shipment).
 */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("mrp_backflush_standard_update_tour", {
    steps: () => [
        {
            content: "A new standard cost update",
            trigger: ".o_list_view .o_list_button_add, .o_control_panel .o-kanban-button-new",
            run: "click",
        },
        {
            content: "Its product in scope",
            trigger: ".o_form_view div[name=product_ids] input",
            run: "edit Finished P",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Finished P)",
            run: "click",
        },
        {
            content: "Compute (saves the draft)",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_compute]",
            run: "click",
        },
        {
            content: "Computed: a line per product, P one level above its components",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Computed)) " +
                "div[name=line_ids] .o_data_row:contains(Finished P) td[name=level]:contains(1)",
        },
        {
            content: "Component A's planned price",
            trigger: ".o_form_view div[name=line_ids] .o_data_row:contains(Component A) td[name=planned_price]",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=line_ids] .o_selected_row td[name=planned_price] input",
            run: "edit 8",
        },
        {
            content: "Save: an edited price asks for Compute again",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Draft)) " +
                ".o_statusbar_buttons button[name=action_compute]",
            run: "click",
        },
        {
            content: "P rolled up from A at 8.00: 2 x 8 + 5 + 12 = 33.00",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Computed)) " +
                "div[name=line_ids] .o_data_row:contains(Finished P) td[name=new_standard]:contains(33.00)",
        },
        {
            content: "The entry preview",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Entry Preview)",
            run: "click",
        },
        {
            content: "RIP debited by the material held for the 20 P on hand and the shelf",
            trigger: ".o_form_view div[name=total_ids] .o_data_row:contains(BF.RIP)",
        },
        {
            content: "The preview pivot",
            trigger: ".o_form_view button[name=action_view_lines]",
            run: "click",
        },
        {
            trigger: ".o_pivot_view .o_pivot_measure_row:contains(Held Material Revalued)",
        },
        {
            content: "Back to the update",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(SCU/)",
            run: "click",
        },
        {
            content: "Post",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Posted, with its journal entry",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Posted)) " +
                "button[name=action_view_move]",
            run: "click",
        },
        {
            content: "The posted entry in the backflush journal",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Posted)) " +
                "h1:contains(BFL/)",
        },
    ],
});
