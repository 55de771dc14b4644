/** @odoo-module **/

import { registry } from "@web/core/registry";

// The value of a datetime-local input, `days` from now at 10:00 (browser time).
function inDays(days) {
    const date = new Date(Date.now() + days * 24 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T10:00`;
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

const confirmCancellation = [
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
    {
        content: "Confirm",
        trigger: "#booking_dialog.show .o_booking_confirm_cancel",
        run: "click",
    },
    {
        content: "Back on the booking, cancelled, offering to book again",
        trigger: ".o_booking_success:contains(Your booking is cancelled)",
    },
    {
        trigger: ".o_booking_book_again",
    },
];

registry.category("web_tour.tours").add("booking_cancel_from_page", {
    steps: () => [...openDialog, ...confirmCancellation],
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
        {
            content: "Send",
            trigger: "#booking_dialog.show .o_booking_confirm_change",
            run: "click",
        },
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
            content: "Select the first booking",
            trigger: ".o_booking_row:eq(0) .o_booking_select",
            run: "check",
        },
        {
            content: "Select the second booking",
            trigger: ".o_booking_row:eq(1) .o_booking_select",
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
            content: "Each booking reports its result",
            trigger: ".o_booking_bulk_results .alert-success:eq(1)",
        },
        {
            trigger: ".o_booking_row .o_booking_status:contains(Cancelled)",
        },
    ],
});

registry.category("web_tour.tours").add("booking_email_link_cancel", {
    steps: () => [
        {
            content: "The email link opens the cancel dialog at once, logged out",
            trigger: "#booking_dialog.show .o_booking_cancel_form",
        },
        ...confirmCancellation,
    ],
});
