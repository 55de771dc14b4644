/** @odoo-module **/

import { registry } from "@web/core/registry";

// The value of a datetime-local input, `days` from now at 10:00 (browser time).
function inDays(days) {
    const date = new Date(Date.now() + days * 24 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T10:00`;
}

// A step that leaves the page (it posts a form): Odoo 19's tour runner must be told, and
// resumes the tour on the next page; Odoo 18's knows no such key and refuses the step.
// 19's runner is the module @web_tour/js/tour_service (18's: @web_tour/tour_service/...).
function leavesPage(step) {
    const odoo19 = odoo.loader.modules.has("@web_tour/js/tour_service");
    return odoo19 ? { ...step, expectUnloadPage: true } : step;
}

const openDialog = [
    {
        content: "Open the dialog",
        trigger: ".o_booking_make_changes",
        run: "click",
    },
    {
        content: "The dialog is shown",
        trigger: "#booking_dialog.show .o_booking_cancel_form",
    },
];

// (functions, as each holds a step that leaves the page: asked when a tour starts)
const sendConfirmedAtOnce = () => [
    {
        content: "The dialog now says it is confirmed at once",
        trigger: "#booking_tab_change .o_booking_outcome[data-outcome=free]:contains(confirmed at once)",
    },
    leavesPage({
        content: "Send",
        trigger: "#booking_dialog.show .o_booking_confirm_change",
        run: "click",
    }),
    {
        content: "As promised: changed at once",
        trigger: ".o_booking_success:contains(Your booking is changed)",
    },
];

const confirmCancellation = () => [
    {
        content: "The exact outcome and fee are stated before confirming",
        trigger: "#booking_dialog.show .o_booking_cancel_form .o_booking_outcome:contains(cancelled at once)",
    },
    {
        content: "Pick a reason",
        trigger: "#booking_dialog.show select[name=reason_id]",
        run: "selectByLabel Schedule conflict",
    },
    {
        content: "Say why",
        trigger: "#booking_dialog.show textarea[name=reason]",
        run: "edit Our plans changed",
    },
    leavesPage({
        content: "Confirm",
        trigger: "#booking_dialog.show .o_booking_confirm_cancel",
        run: "click",
    }),
    {
        content: "Back on the booking, cancelled, offering to book again",
        trigger: ".o_booking_success:contains(Your booking is cancelled)",
    },
    {
        trigger: ".o_booking_book_again",
    },
];

registry.category("web_tour.tours").add("booking_cancel_from_page", {
    steps: () => [...openDialog, ...confirmCancellation()],
});

registry.category("web_tour.tours").add("booking_request_change", {
    steps: () => [
        ...openDialog,
        {
            content: "Go to the change tab",
            trigger: "#booking_dialog.show .o_booking_tab_change",
            run: "click",
        },
        {
            content: "Choose a new date and time",
            trigger: "#booking_dialog.show #booking_tab_change.active input[name=requested_start]",
            run() {
                this.anchor.value = inDays(9);
            },
        },
        {
            content: "Pick another service",
            trigger: "#booking_dialog.show select[name=requested_product_id]",
            run: "selectByLabel Grooming",
        },
        leavesPage({
            content: "Send",
            trigger: "#booking_dialog.show .o_booking_confirm_change",
            run: "click",
        }),
        {
            content: "The request is sent for review and shown as pending",
            trigger: ".o_booking_success:contains(Your change request is sent)",
        },
        {
            trigger: ".o_booking_pending",
        },
    ],
});

registry.category("web_tour.tours").add("booking_bulk_cancel", {
    steps: () => [
        {
            content: "The button waits for a selection",
            trigger: ".o_booking_bulk_submit:disabled",
        },
        {
            content: "Select all the bookings that can be cancelled",
            trigger: ".o_booking_select_all",
            run: "check",
        },
        {
            content: "Give one reason",
            trigger: ".o_booking_bulk_form input[name=reason]",
            run: "edit Moving house",
        },
        {
            content: "Cancel both",
            trigger: ".o_booking_bulk_submit:contains(2):enabled",
            run: "click",
        },
        {
            content: "Before anything is filed, each booking's outcome and fee are listed",
            trigger: "#booking_bulk_confirm.show .o_booking_bulk_confirm_item:eq(1)",
        },
        {
            trigger: "#booking_bulk_confirm.show .o_booking_bulk_confirm_fee:contains(fee)",
        },
        leavesPage({
            content: "Confirm",
            trigger: "#booking_bulk_confirm.show .o_booking_bulk_confirm_button",
            run: "click",
        }),
        {
            content: "Each booking reports its result",
            trigger: ".o_booking_bulk_results .alert-success:eq(1)",
        },
        {
            trigger: ".o_booking_bulk_results:contains(A late-cancellation fee of)",
        },
        {
            trigger: ".o_booking_row .o_booking_status:contains(Cancelled)",
        },
    ],
});

// Set a datetime-local input as a person does: the page hears it change.
function pickTime(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("booking_change_outcome_live", {
    steps: () => [
        ...openDialog,
        {
            content: "Go to the change tab",
            trigger: "#booking_dialog.show .o_booking_tab_change",
            run: "click",
        },
        {
            content: "Pick a time when the worker is busy",
            trigger: "#booking_dialog.show #booking_tab_change.active input[name=requested_start]",
            run() {
                pickTime(this.anchor, inDays(8));
            },
        },
        {
            content: "The dialog says it goes to review",
            trigger: "#booking_tab_change .o_booking_outcome[data-outcome=review]:contains(sent to our team for review)",
        },
        {
            content: "Pick a free time",
            trigger: "#booking_dialog.show #booking_tab_change.active input[name=requested_start]",
            run() {
                pickTime(this.anchor, inDays(9));
            },
        },
        ...sendConfirmedAtOnce(),
    ],
});

registry.category("web_tour.tours").add("booking_email_link_cancel", {
    steps: () => [
        {
            content: "The email link opens the cancel dialog at once, logged out",
            trigger: "#booking_dialog.show .o_booking_cancel_form",
        },
        ...confirmCancellation(),
    ],
});

registry.category("web_tour.tours").add("booking_calendar_free_time", {
    steps: () => [
        {
            content: "The calendar shows the booking; its pencil opens the dialog in place",
            trigger: ".o_booking_calendar_list .o_booking_pencil",
            run: "click",
        },
        {
            content: "Go to the change tab",
            trigger: "#booking_dialog.show .o_booking_tab_change",
            run: "click",
        },
        {
            content: "Pick the day (early, before the working day): its free times show",
            trigger: "#booking_dialog.show #booking_tab_change.active input[name=requested_start]",
            run() {
                pickTime(this.anchor, `${this.anchor.value.slice(0, 10)}T06:00`);
            },
        },
        {
            content: "Pick the first free time, shown as confirmed at once",
            trigger: "#booking_dialog.show .o_booking_slot[data-outcome=free]:contains(confirmed at once):first",
            run: "click",
        },
        ...sendConfirmedAtOnce(),
    ],
});

registry.category("web_tour.tours").add("booking_time_block", {
    steps: () => [
        ...openDialog,
        {
            content: "Go to the change tab",
            trigger: "#booking_dialog.show .o_booking_tab_change",
            run: "click",
        },
        {
            content: "Ask for a time block on a date instead",
            trigger: "#booking_dialog.show .o_booking_time_block summary",
            run: "click",
        },
        {
            content: "The date",
            trigger: "#booking_dialog.show input[name=requested_date]",
            run() {
                this.anchor.value = inDays(8).slice(0, 10);
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The block",
            trigger: "#booking_dialog.show select[name=time_block_id]",
            run: "selectByLabel Morning (8:00–12:00)",
        },
        {
            content: "The dialog says our team sets the exact time",
            trigger: "#booking_tab_change .o_booking_outcome[data-outcome=review]:contains(exact time)",
        },
        leavesPage({
            content: "Send",
            trigger: "#booking_dialog.show .o_booking_confirm_change",
            run: "click",
        }),
        {
            content: "Sent for review",
            trigger: ".o_booking_success:contains(Your change request is sent)",
        },
    ],
});

registry.category("web_tour.tours").add("booking_accept_proposal", {
    steps: () => [
        leavesPage({
            content: "The email's link shows the proposed times, the one clicked first in view",
            trigger: ".o_booking_proposals .o_booking_proposal.bg-light .o_booking_accept",
            run: "click",
        }),
        {
            content: "Moved at once",
            trigger: ".o_booking_success:contains(your booking is moved to the time you accepted)",
        },
    ],
});
