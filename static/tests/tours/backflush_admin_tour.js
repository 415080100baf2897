/** @odoo-module **/
// The administrator of Community (no "Show Full Accounting Features", no debug mode)
// configures a finished goods category for backflush, a product and its bill of
// materials, and rolls up its standard (tests/test_tour_admin.py).

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function pickMany2one(field, text) {
    return [
        {
            content: `type ${text} in ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `pick ${text}`,
            trigger: `.o_field_widget[name=${field}] .o-autocomplete--dropdown-item:contains(${text})`,
            run: "click",
        },
        {
            content: `${field} is ${text}`,
            trigger: `.o_field_widget[name=${field}] input:value(${text})`,
        },
    ];
}

registry.category("web_tour.tours").add("mrp_backflush_admin_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("mrp.menu_mrp_root", "open Manufacturing"),
        {
            content: "open Configuration",
            trigger: '.o_main_navbar button[data-menu-xmlid="mrp.menu_mrp_configuration"]',
            run: "click",
        },
        {
            content: "open Backflush Costing",
            trigger: '.dropdown-item[data-menu-xmlid="mrp_backflush.menu_backflush_mrp_configuration"]',
            run: "click",
        },
        {
            content: "the configuration screen lists categories under a trigger",
            trigger: '.o_list_view th[data-name="property_backflush_conversion_account_id"]',
        },
        {
            content: "new category",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit BFT Finished Goods",
        },
        {
            trigger: ".o_field_widget[name=property_cost_method] select",
            run: 'select "standard"',
        },
        {
            trigger: ".o_field_widget[name=property_valuation] select",
            run: 'select "real_time"',
        },
        ...pickMany2one("property_stock_valuation_account_id", "BFT Finished Stock"),
        {
            content: "the backflush accounts are hidden while the trigger is None",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=property_backflush_conversion_account_id]))",
        },
        {
            trigger: ".o_field_widget[name=property_backflush_trigger] select",
            run: 'select "completion"',
        },
        {
            content: "under a trigger the accounts are required",
            trigger: ".o_required_modifier[name=property_backflush_conversion_account_id]",
        },
        ...pickMany2one("property_backflush_conversion_account_id", "BFT Applied"),
        ...pickMany2one("property_backflush_usage_variance_account_id", "BFT Usage"),
        ...pickMany2one("property_backflush_scrap_variance_account_id", "BFT Scrap"),
        ...pickMany2one("property_backflush_production_variance_account_id", "BFT Production"),
        {
            content: "save the category",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "change the trigger to Shipment",
            trigger: ".o_field_widget[name=property_backflush_trigger] select",
            run: 'select "shipment"',
        },
        {
            content: "Odoo-style warning of what the change does",
            trigger: ".modal:contains(Backflush trigger change) .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "the change is tracked in the chatter",
            trigger: ".o-mail-Message:contains(Shipment of finished units)",
        },
        {
            content: "open Products",
            trigger: '.o_main_navbar button[data-menu-xmlid="mrp.menu_mrp_bom"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="mrp.menu_mrp_product_form"]',
            run: "click",
        },
        {
            content: "new product",
            trigger: ".o_control_panel .o-kanban-button-new, .o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] textarea, .o_form_view .o_field_widget[name=name] input",
            run: "edit BFT Widget",
        },
        {
            content: "track inventory",
            trigger: ".o_field_widget[name=is_storable] input",
            run: "click",
        },
        {
            content: "no Standard Conversion Cost outside a backflush category",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=backflush_conversion_cost]))",
        },
        {
            content: "open the General Information tab",
            trigger: 'a[name="general_information"]',
            run: "click",
        },
        ...pickMany2one("categ_id", "BFT Finished Goods"),
        {
            content: "Standard Conversion Cost shows under a trigger, as an amount",
            trigger: ".o_field_widget[name=backflush_conversion_cost] input",
            run: "edit 12",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "open its bills of materials",
            trigger: ".oe_stat_button:contains(Bill of Materials)",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "add a component",
            trigger: "div[name=bom_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name=bom_line_ids] .o_data_row .o_field_widget[name=product_id] input",
            run: "edit BFT Component",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(BFT Component)",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "back to the product",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(BFT Widget)",
            run: "click",
        },
        {
            content: "roll up the standard",
            trigger: "button[name=action_backflush_roll_up]",
            run: "click",
        },
        {
            content: "the roll-up says the old and the new standard",
            trigger: ".o_notification:contains(Standard cost rolled up):contains(19.00)",
        },
        {
            content: "the form shows the new cost",
            trigger: ".o_field_widget[name=standard_price] input:value(19.00)",
        },
        {
            content: "and the conversion standard in force, with its source",
            trigger: ".o_field_widget[name=backflush_conversion_note]:contains(12.00 per unit, this field)",
        },
        // ---- a routed order with time logged, as its administrator opens it ----------
        ...stepUtils.goToAppSteps("mrp.menu_mrp_root", "open Manufacturing"),
        {
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "the routed order, done",
            trigger: ".o_list_view .o_data_row td:contains(BFR/MO/0001)",
            run: "click",
        },
        {
            content: "its Work Orders tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Work Orders)",
            run: "click",
        },
        {
            content: "the time logged on its work order (75 minutes)",
            trigger: ".o_form_view div[name=workorder_ids] .o_data_row:contains(Assemble) td[name=duration]:contains(75:00)",
        },
        {
            content: "its chatter names the entry and links its register line",
            trigger: ".o-mail-Message-body:contains(Completion posted by backflush costing) a[data-oe-model='mrp.backflush.posting']",
            run: "click",
        },
        {
            content: "the register line opens",
            trigger: "body:not(:has(.o_error_dialog)) .o_form_view .o_field_widget[name=production_id]:contains(BFR/MO/0001)",
        },
    ],
});
