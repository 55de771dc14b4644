/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import publicWidget from "@web/legacy/js/public/public_widget";

// The booking page: an email link's ?action= opens its dialog; a reason that
// asks for the customer's words makes the text required.
publicWidget.registry.BookingPage = publicWidget.Widget.extend({
    selector: ".o_booking_page",
    events: {
        'change select[name="reason_id"]': "_onReasonChange",
    },

    start() {
        const action = this.el.dataset.bookingAction;
        const dialog = action && this.el.querySelector(
            action === "rebook" ? "#booking_rebook_dialog" : "#booking_dialog"
        );
        if (dialog) {
            window.Modal.getOrCreateInstance(dialog).show();
        }
        return this._super(...arguments);
    },

    _onReasonChange(ev) {
        const option = ev.currentTarget.selectedOptions[0];
        const note = this.el.querySelector("#booking_reason");
        if (note) {
            note.required = Boolean(option && option.dataset.requiresNote);
        }
    },
});

// Bulk cancellation: the button says how many bookings are selected.
publicWidget.registry.BookingBulkCancel = publicWidget.Widget.extend({
    selector: ".o_booking_bulk_form",
    events: {
        "change .o_booking_select": "_update",
    },

    start() {
        this._update();
        return this._super(...arguments);
    },

    _update() {
        const count = this.el.querySelectorAll(".o_booking_select:checked").length;
        const button = this.el.querySelector(".o_booking_bulk_submit");
        button.disabled = !count;
        button.textContent = count ? _t("Cancel %s selected", count) : _t("Cancel selected");
    },
});
