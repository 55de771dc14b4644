/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import publicWidget from "@web/legacy/js/public/public_widget";

const DECISION_FIELDS = [
    "requested_start",
    "requested_duration",
    "requested_product_id",
    "requested_note",
    "requested_date",
    "time_block_id",
];

// A reason that asks for the customer's words (or a company that wants a reason) makes
// the text required.
function syncReasonRequired(select, words) {
    if (!select || !words) {
        return;
    }
    const option = select.selectedOptions[0];
    const needsNote = Boolean(option && option.dataset.requiresNote);
    const needsSomething = Boolean(words.dataset.reasonRequired) && !select.value;
    words.required = needsNote || needsSomething;
}

// The booking page: an email link's ?action= opens its dialog; the dialog asks the server
// for the decision (a read-only GET) whenever a value changes, and says it before confirming.
publicWidget.registry.BookingPage = publicWidget.Widget.extend({
    selector: ".o_booking_page",
    events: {
        'change select[name="reason_id"]': "_onReasonChange",
        "change form[data-request-type]": "_onValueChange",
        "input form[data-request-type] input": "_onValueChange",
    },

    start() {
        this._sequence = 0;
        const action = this.el.dataset.bookingAction;
        const dialog = action && this.el.querySelector(
            action === "rebook" ? "#booking_rebook_dialog" : "#booking_dialog"
        );
        if (dialog) {
            window.Modal.getOrCreateInstance(dialog).show();
        }
        for (const select of this.el.querySelectorAll('select[name="reason_id"]')) {
            syncReasonRequired(select, select.closest("form").querySelector('[name="reason"]'));
        }
        return this._super(...arguments);
    },

    _onReasonChange(ev) {
        const select = ev.currentTarget;
        syncReasonRequired(select, select.closest("form").querySelector('[name="reason"]'));
    },

    _onValueChange(ev) {
        const form = ev.target.closest("form[data-request-type]");
        if (!form || form.dataset.requestType === "cancel") {
            return;
        }
        clearTimeout(this._timer);
        this._timer = setTimeout(() => this._refreshDecision(form), 250);
    },

    async _refreshDecision(form) {
        const sequence = ++this._sequence;
        const params = new URLSearchParams((this.el.dataset.linkQuery || "").replace(/^\?/, ""));
        params.set("type", form.dataset.requestType);
        for (const name of DECISION_FIELDS) {
            const input = form.elements[name];
            if (input && input.value) {
                params.set(name, input.value);
            }
        }
        let data;
        try {
            const response = await fetch(`${this.el.dataset.decisionUrl}?${params}`, {
                headers: { Accept: "application/json" },
            });
            data = await response.json();
        } catch {
            data = { error: _t("We could not check this change now; you can still send it.") };
        }
        if (sequence !== this._sequence) {
            return; // a newer question was asked meanwhile
        }
        const box = form.querySelector(".o_booking_outcome");
        box.dataset.outcome = data.error ? "error" : data.outcome;
        box.classList.toggle("alert-success", !data.error && data.outcome === "free");
        box.classList.toggle("alert-info", !data.error && data.outcome === "review");
        box.classList.toggle("alert-warning", Boolean(data.error) || data.outcome === "closed");
        box.querySelector(".o_booking_outcome_text").textContent = data.error || data.message;
    },
});

// Bulk cancellation: select all, the button says how many, and a confirmation lists each
// booking's outcome and fee before anything is filed.
publicWidget.registry.BookingBulkCancel = publicWidget.Widget.extend({
    selector: ".o_booking_bulk_form",
    events: {
        "change .o_booking_select": "_update",
        "change .o_booking_select_all": "_onSelectAll",
        "change .o_booking_bulk_reason": "_update",
        "click .o_booking_bulk_submit": "_onSubmit",
    },

    start() {
        this._update();
        return this._super(...arguments);
    },

    _boxes() {
        return [...this.el.querySelectorAll(".o_booking_select")];
    },

    _onSelectAll(ev) {
        for (const box of this._boxes()) {
            box.checked = ev.currentTarget.checked;
        }
        this._update();
    },

    _update() {
        const boxes = this._boxes();
        const count = boxes.filter((box) => box.checked).length;
        const button = this.el.querySelector(".o_booking_bulk_submit");
        button.disabled = !count;
        button.textContent = count ? _t("Cancel %s selected", count) : _t("Cancel selected");
        const all = this.el.querySelector(".o_booking_select_all");
        if (all) {
            all.checked = Boolean(boxes.length) && count === boxes.length;
            all.disabled = !boxes.length;
        }
        syncReasonRequired(
            this.el.querySelector(".o_booking_bulk_reason"),
            this.el.querySelector(".o_booking_bulk_words")
        );
    },

    _onSubmit() {
        const words = this.el.querySelector(".o_booking_bulk_words");
        if (words && !words.reportValidity()) {
            return;
        }
        const list = this.el.querySelector(".o_booking_bulk_confirm_list");
        list.replaceChildren();
        for (const box of this._boxes().filter((box) => box.checked)) {
            const item = document.createElement("li");
            item.className = "mb-2 o_booking_bulk_confirm_item";
            const name = document.createElement("strong");
            name.textContent = box.dataset.name;
            const outcome = document.createElement("div");
            outcome.className = "small";
            outcome.textContent = box.dataset.outcome;
            item.append(name, outcome);
            if (box.dataset.fee) {
                const fee = document.createElement("div");
                fee.className = "small text-danger o_booking_bulk_confirm_fee";
                fee.textContent = _t("A late-cancellation fee of %s applies.", box.dataset.fee);
                item.append(fee);
            }
            list.append(item);
        }
        window.Modal.getOrCreateInstance(this.el.querySelector("#booking_bulk_confirm")).show();
    },
});
