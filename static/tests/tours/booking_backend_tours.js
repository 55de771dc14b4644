/** @odoo-module **/

import { registry } from "@web/core/registry";

// The reviewer's and the worker's day in the web client (tests/test_backend_tours.py).
// No step leaves the page: the web client changes views in place.
const tours = registry.category("web_tour.tours");

const statusIs = (label) => ({
    content: `The request is ${label}`,
    trigger: `.o_form_view .o_statusbar_status .o_arrow_button_current:contains(${label})`,
});

const click = (content, trigger) => ({ content, trigger, run: "click" });

// A date and time input's value with its time of day set to `time` ("16:00:00"), the date
// kept, in whatever order the user's language writes them.
function atTime(time) {
    return async function (helpers) {
        const value = this.anchor.value.replace(/\d{1,2}:\d{2}(:\d{2})?(\s?[AP]M)?/i, time);
        await helpers.edit(value);
    };
}

// The steps setting a date and time field's time of day: 19.0 shows the value as a button
// until it is clicked (18.0: an input already).
const setTime = (content, field, time) => [
    click(content, `${field} .o_input:first`),
    { content, trigger: `${field} input:first`, run: atTime(time) },
];

tours.add("booking_backend_approve", {
    steps: () => [
        click("Approve", ".o_form_view .o_statusbar_buttons button[name=action_approve]"),
        statusIs("Approved"),
    ],
});

tours.add("booking_backend_approve_busy", {
    steps: () => [
        {
            content: "The form warns that the workers are busy",
            trigger: ".o_form_view .alert-warning:contains(busy at the requested time)",
        },
        click("See the conflicts", ".o_notebook .nav-link:contains(Worker conflicts)"),
        {
            content: "The other visit of the worker is listed",
            trigger: ".o_field_widget[name=conflict_event_ids] .o_data_row:contains(Walk for Zoe)",
        },
        click("Approve", ".o_form_view .o_statusbar_buttons button[name=action_approve]"),
        click("Approve anyway", ".modal:contains(Approve anyway) .modal-footer .btn-primary"),
        statusIs("Approved"),
    ],
});

tours.add("booking_backend_deny_edited", {
    steps: () => [
        click("Deny", ".o_form_view .o_statusbar_buttons button[name=action_open_deny_wizard]"),
        {
            content: "Write the note",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Nobody is free that day, sorry.",
        },
        click("Leave the note", ".modal .o_field_widget[name=subject] input"),
        {
            content: "The email shows the note",
            trigger: ".modal .o_field_widget[name=body] .odoo-editor-editable:contains(Nobody is free that day)",
        },
        {
            content: "Edit the subject",
            trigger: ".modal .o_field_widget[name=subject] input",
            run: "edit Your change: not this time",
        },
        {
            content: "Edit the greeting of the email",
            trigger: ".modal .o_field_widget[name=body] .odoo-editor-editable p:first",
            run: "editor Dear Alice, we are so sorry.",
        },
        click("Deny", ".modal .modal-footer button[name=action_deny]"),
        statusIs("Denied"),
    ],
});

tours.add("booking_backend_time_block", {
    steps: () => [
        click("Approve at a time", ".o_form_view .o_statusbar_buttons button[name=action_open_time_wizard]:contains(Approve at a time)"),
        {
            content: "The dialog says what the customer asked for: the block",
            trigger: ".modal .o_field_widget[name=asked]:contains(Morning)",
        },
        ...setTime("Set 9:30 within the block", ".modal .o_field_widget[name=start_1]", "09:30:00"),
        click("Leave the field", ".modal .o_field_widget[name=asked]"),
        click("Approve", ".modal .modal-footer button[name=action_confirm]:contains(Approve)"),
        statusIs("Approved"),
    ],
});

tours.add("booking_backend_propose", {
    steps: () => [
        click("Propose other times", ".o_form_view .o_statusbar_buttons button[name=action_open_time_wizard]:contains(Propose other times)"),
        {
            content: "The dialog says what the customer asked for: a service and a note",
            trigger: ".modal .o_field_widget[name=asked]:contains(Grooming):contains(with his brother)",
        },
        ...setTime("Propose 15:00 that day", ".modal .o_field_widget[name=start_1]", "15:00:00"),
        click("Leave the field", ".modal .o_field_widget[name=asked]"),
        click("Send", ".modal .modal-footer button[name=action_confirm]:contains(Send to the customer)"),
        {
            content: "The proposed time is listed on the request",
            trigger: ".o_notebook .nav-link:contains(Proposed times)",
        },
        statusIs("Pending"),
    ],
});

const selectRows = (...names) =>
    names.map((name) =>
        click(`Select ${name}`, `.o_list_view .o_data_row:contains(${name}) .o_list_record_selector input`)
    );

const listAction = (label) => [
    click("Actions", ".o_control_panel .o_cp_action_menus button:contains(Actions)"),
    click(label, ".o-dropdown--menu .o_menu_item:contains(" + label + ")"),
];

tours.add("booking_backend_bulk_approve", {
    steps: () => [
        ...selectRows("Walk for Ann", "Walk for Ben"),
        ...listAction("Approve"),
        {
            content: "Both approved",
            trigger: ".o_data_row:contains(Walk for Ben) .o_field_widget[name=state]:contains(Approved)",
        },
        {
            trigger: ".o_data_row:contains(Walk for Ann) .o_field_widget[name=state]:contains(Approved)",
        },
        {
            content: "The one not selected is still pending",
            trigger: ".o_data_row:contains(Walk for Cy) .o_field_widget[name=state]:contains(Pending)",
        },
    ],
});

tours.add("booking_backend_bulk_deny", {
    steps: () => [
        ...selectRows("Walk for Ann", "Walk for Ben"),
        ...listAction("Deny"),
        {
            content: "One note for the two requests",
            trigger: ".modal .o_booking_deny_bulk:contains(2)",
        },
        {
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit The park is closed that week.",
        },
        click("Deny", ".modal .modal-footer button[name=action_deny]"),
        {
            content: "Both denied",
            trigger: ".o_data_row:contains(Walk for Ben) .o_field_widget[name=state]:contains(Denied)",
        },
        {
            trigger: ".o_data_row:contains(Walk for Ann) .o_field_widget[name=state]:contains(Denied)",
        },
        {
            trigger: ".o_data_row:contains(Walk for Cy) .o_field_widget[name=state]:contains(Pending)",
        },
    ],
});

const cancelDialog = (extra = []) => [
    {
        content: "The fee a customer would pay is proposed",
        trigger: ".modal .o_field_widget[name=fee_amount] input",
        run: "edit 12.50",
    },
    click("Leave the field", ".modal .o_field_widget[name=booking_name]"),
    {
        content: "The email says the new fee",
        trigger: ".modal .o_field_widget[name=body] .odoo-editor-editable:contains(12.50)",
    },
    ...extra,
    click("Cancel booking", ".modal .modal-footer button[name=action_cancel_booking]"),
];

tours.add("booking_backend_cancel_visit", {
    steps: () => [
        click("The booking tab", ".o_form_view .o_notebook .nav-link:contains(Booking)"),
        click("Cancel this visit", ".o_form_view button[name=action_booking_cancel]"),
        ...cancelDialog(),
        {
            content: "Back on the visit, cancelled",
            trigger: ".o_form_view .alert-danger:contains(This visit is cancelled)",
        },
    ],
});

tours.add("booking_backend_cancel_order", {
    steps: () => [
        click("Cancel booking", ".o_form_view .o_statusbar_buttons button[name=action_booking_cancel]"),
        ...cancelDialog([
            {
                content: "Add a line of our own to the email",
                trigger: ".modal .o_field_widget[name=body] .odoo-editor-editable p:first",
                run: "editor Dear Alice, the groomer is ill.",
            },
        ]),
        {
            content: "Back on the order, cancelled",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Cancelled)",
        },
    ],
});

const moveAnyway = [
    click("Save", ".o_form_view .o_form_button_save"),
    {
        content: "Asked to confirm: the worker has another booking then",
        trigger: ".modal:contains(another booking at that time):contains(Walk for Zoe) .modal-footer .btn-primary:contains(Move anyway)",
        run: "click",
    },
    {
        content: "Moved: the booking's history says so, and nothing is left to save",
        trigger: "body:not(:has(.o_form_dirty)):not(:has(.modal)) .o-mail-Message:contains(by staff, approved)",
    },
];

tours.add("booking_backend_move_visit_onto_busy_worker", {
    steps: () => [
        ...setTime(
            "Move the visit to 16:00, when its worker has another visit",
            ".o_form_view .o_field_widget[name=start]",
            "16:00:00"
        ),
        click("Leave the field", ".o_form_view .o_field_widget[name=name] input, .o_form_view .o_field_widget[name=name] textarea"),
        ...moveAnyway,
    ],
});

tours.add("booking_backend_move_order_onto_busy_worker", {
    steps: () => [
        click("Other info", ".o_form_view .o_notebook .nav-link:contains(Other Info)"),
        ...setTime(
            "Move the delivery to 16:00, when its worker has another visit",
            ".o_form_view .o_field_widget[name=commitment_date]",
            "16:00:00"
        ),
        click("Leave the field", ".o_form_view .o_notebook .nav-link:contains(Other Info)"),
        ...moveAnyway,
    ],
});

tours.add("booking_backend_settings", {
    steps: () => [
        {
            content: "Cancellation online is on: its undo minutes are shown",
            trigger: ".o_setting_box [name=booking_undo_minutes], [id=booking_portal_cancel] [name=booking_undo_minutes]",
        },
        click("Turn cancellation online off", "[id=booking_portal_cancel] .o_field_widget[name=booking_portal_cancel] input"),
        click("Turn changes online off", "[id=booking_portal_change] .o_field_widget[name=booking_portal_change] input"),
        {
            content: "What they govern is hidden",
            trigger: "[id=booking_portal_cancel]:not(:has([name=booking_undo_minutes]))",
        },
        {
            trigger: "[id=booking_portal_change]:not(:has([name=booking_change_limit]))",
        },
        click("Save", ".o_control_panel .o_form_button_save"),
        {
            content: "Saved (the settings reloaded, nothing left to save): still off",
            trigger: "body:not(:has(.o_form_dirty)) [id=booking_portal_cancel] .o_field_widget[name=booking_portal_cancel] input:not(:checked)",
        },
    ],
});
