/** @odoo-module **/
/**
 * The accountant reviews a backflushed order: opens its backflush entry from the order
 * (no Reverse Entry, no Reset to Draft), records scrap through the wizard, whose preview
 * flags a quantity above what is on hand before Post, and runs the Reconciliation Check
 * with its journal-item drill-down and its register link.
 * Started by tests/test_tour_accountant.py, which sets up the order (20 A left on hand).
 */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("mrp_backflush_accountant_tour", {
    steps: () => [
        // ---- the routed order: its work orders and the time logged ---------------
        {
            content: "The order's Work Orders tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Work Orders)",
            run: "click",
        },
        {
            content: "Its work order with the time logged (90 minutes)",
            trigger: ".o_form_view div[name=workorder_ids] .o_data_row:contains(Assemble) td[name=duration]:contains(90:00)",
        },
        // ---- the entry, from the order ------------------------------------------
        {
            content: "The order's Backflush smart button",
            trigger: ".o_form_view button[name=action_view_backflush_postings]",
            run: "click",
        },
        {
            content: "Its completion in the Backflush Register",
            trigger: ".o_list_view .o_data_row td[name=kind]:contains(Completion)",
            run: "click",
        },
        {
            content: "The posting's journal entry",
            trigger: ".o_form_view button[name=action_view_move]",
            run: "click",
        },
        {
            content: "A posted backflush entry: neither Reverse Entry nor Reset to Draft",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains(Posted))" +
                ":has(button[name=action_view_backflush_production])" +
                ":not(:has(.o_statusbar_buttons button:contains(Reverse Entry)))" +
                ":not(:has(.o_statusbar_buttons button[name=button_draft]))",
        },
        {
            content: "Back to the order from the entry",
            trigger: ".o_form_view button[name=action_view_backflush_production]",
            run: "click",
        },
        // ---- scrap, through the wizard and its preview ------------------------------
        {
            trigger: ".o_form_view button[name=action_open_backflush_variance_wizard]",
            run: "click",
        },
        {
            trigger: ".modal div[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal div[name=line_ids] .o_data_row div[name=product_id] input",
            run: "edit Component A",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Component A)",
            run: "click",
        },
        {
            content: "More than the 20 units on hand",
            trigger: ".modal div[name=line_ids] .o_data_row div[name=quantity] input",
            run: "edit 25 && click .modal .modal-body",
        },
        {
            content: "The preview flags it before Post",
            trigger: ".modal .alert-warning div[name=problems]:contains(requested but only 20.00 on hand)",
        },
        {
            trigger: ".modal div[name=line_ids] .o_data_row.text-danger td[name=on_hand_qty]:contains(20.00)",
        },
        {
            content: "No entry previewed and Post disabled while a problem is listed",
            trigger:
                ".modal:not(:has(div[name=preview_line_ids]:visible)):not(:has(footer button[name=action_post])) footer button.o_backflush_post_disabled:disabled",
        },
        {
            trigger: ".modal div[name=line_ids] .o_data_row td[name=quantity]",
            run: "click",
        },
        {
            trigger: ".modal div[name=line_ids] .o_data_row div[name=quantity] input",
            run: "edit 4 && click .modal .modal-body",
        },
        {
            content: "The entry to post: scrap variance 28.00 (4 A at 7.00)",
            trigger:
                ".modal:not(:has(.alert-warning:visible)) div[name=preview_line_ids] .o_data_row:contains(Scrap variance) td[name=debit]:contains(28.00)",
        },
        {
            trigger: ".modal footer button[name=action_post]",
            run: "click",
        },
        {
            content: "The scrap posting lists what was scrapped",
            trigger: ".o_action_manager .o_form_view div[name=scrap_summary]:contains(Component A):contains(4.00 Units)",
        },
        {
            trigger: ".o_form_view div[name=scrap_variance]:contains(28.00)",
        },
        // ---- the Reconciliation Check -----------------------------------------------
        {
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            trigger: "button[data-menu-xmlid='mrp_backflush.menu_backflush_account']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='mrp_backflush.menu_backflush_reconciliation']",
            run: "click",
        },
        {
            content: "Books match the floor",
            trigger: ".modal .alert-success:contains(Books match the floor)",
        },
        {
            content: "Amounts with their currency",
            trigger: ".modal div[name=ledger_total]:contains($)",
        },
        {
            content: "Drill down to the journal items at first open",
            trigger: ".modal div[name=line_ids] .o_data_row:first button[name=action_open_journal_items]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_breadcrumb:contains(Journal Items of)",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Run the check again, from the menu",
            trigger: "button[data-menu-xmlid='mrp_backflush.menu_backflush_account']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='mrp_backflush.menu_backflush_reconciliation']",
            run: "click",
        },
        {
            trigger: ".modal footer button[name=action_open_register]",
            run: "click",
        },
        {
            content: "The register shows its date filter as a facet",
            trigger: ".o_searchview .o_searchview_facet:contains(Accounted up to the check)",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=kind]:contains(Scrap)",
        },
    ],
});
