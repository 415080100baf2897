/** @odoo-module **/
// A Manufacturing / User produces part of an order, keeps a backorder, marks both done,
// and never meets accounting: the Backflush smart button is there next to Odoo's own
// (tests/test_tour_operator.py).

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("mrp_backflush_operator_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("mrp.menu_mrp_root", "open Manufacturing"),
        {
            content: "open the order of BFT Gadget",
            trigger: ".o_list_view .o_data_row td:contains(BFO/MO/0001)",
            run: "click",
        },
        {
            content: "the order is configured: no backflush warning",
            trigger: ".o_form_view:not(:has(.o_backflush_configuration_warning:visible))",
        },
        {
            content: "produce 6 of 10",
            trigger: ".o_field_widget[name=qty_producing] input",
            run: "edit 6 && click body",
        },
        {
            trigger: 'div[name=move_raw_ids] td[name="quantity"]:contains("12.00")',
        },
        {
            content: "Produce",
            trigger: ".o_statusbar_buttons button[name=button_mark_done]:contains(Produce)",
            run: "click",
        },
        {
            content: "keep the rest in a backorder",
            trigger: ".modal button[name=action_backorder]",
            run: "click",
        },
        {
            content: "Odoo opens the backorder, with the rest to produce",
            trigger: ".o_breadcrumb .active:contains(BFO/MO/0001-002)",
        },
        {
            trigger: ".o_field_widget[name=product_qty]:contains(4.00), .o_field_widget[name=product_qty] input:value(4.00)",
        },
        {
            content: "Produce All",
            trigger: ".o_statusbar_buttons button[name=button_mark_done]:contains(Produce All)",
            run: "click",
        },
        {
            content: "the backorder is done",
            trigger: '.o_statusbar_status button[aria-checked="true"]:contains("Done")',
        },
        {
            content: "the Backflush smart button is next to Odoo's own",
            trigger: ".o-form-buttonbox:has(button[name=action_view_mrp_production_backorders]) button[name=action_view_backflush_postings]:contains(Backflush)",
        },
        {
            content: "back to the first order",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(BFO/MO/0001)",
            run: "click",
        },
        {
            content: "Odoo renamed it -001",
            trigger: ".o_breadcrumb .active:contains(BFO/MO/0001-001)",
        },
        {
            content: "the first order is done too",
            trigger: '.o_statusbar_status button[aria-checked="true"]:contains("Done")',
        },
        {
            content: "its Backflush smart button opens its register line",
            trigger: ".o-form-buttonbox button[name=action_view_backflush_postings]:contains(Backflush)",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Backflush)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=production_id]:contains(BFO/MO/0001), .o_list_view .o_data_row:contains(BFO/MO/0001)",
        },
        {
            content: "back to the order",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(BFO/MO/0001-001)",
            run: "click",
        },
        {
            content: "its chatter names the entry, linking the register line an operator may open",
            trigger: ".o-mail-Message-body:contains(Completion posted by backflush costing) a[data-oe-model='mrp.backflush.posting']",
            run: "click",
        },
        {
            content: "the register line opens: no Access Error",
            trigger: "body:not(:has(.o_error_dialog)) .o_form_view .o_field_widget[name=production_id]:contains(BFO/MO/0001-001)",
        },
    ],
});
