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
    // the label says so before the browser refuses
    const optional = words.closest(".mb-3, form")?.querySelector(".o_booking_optional");
    if (optional) {
        optional.textContent = words.required ? _t("(required for this reason)") : _t("(optional)");
    }
}

// The query string of a booking's read-only routes: the link's token and signature, and `params`.
function query(root, params) {
    const search = new URLSearchParams((root.dataset.linkQuery || "").replace(/^\?/, ""));
    for (const [key, value] of Object.entries(params)) {
        search.set(key, value);
    }
    return search.toString();
}

async function getJson(url) {
    try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        return await response.json();
    } catch {
        return { error: _t("We could not reach the server; you can still send your request.") };
    }
}

// Booking pages, the list and the calendar: the Make changes dialog (on the page, or opened in
// place by a pencil) asks the server for the decision (a read-only GET) whenever a value changes,
// shows the free times of the day picked, and says what will happen before confirming.
publicWidget.registry.BookingScope = publicWidget.Widget.extend({
    selector: ".o_booking_scope",
    events: {
        'change select[name="reason_id"]': "_onReasonChange",
        "change form[data-request-type]": "_onValueChange",
        "input form[data-request-type] input": "_onValueChange",
        "click .o_booking_pencil, .o_booking_calendar_entry a[data-dialog-url]": "_onPencil",
        "click .o_booking_slot": "_onSlot",
        "shown.bs.modal .modal": "_onShown",
    },

    start() {
        this._sequence = 0;
        this._slotsSequence = 0;
        const action = this.el.dataset.bookingAction;
        const dialog = action && this.el.querySelector(
            action === "rebook" ? "#booking_rebook_dialog" : "#booking_dialog"
        );
        if (dialog) {
            window.Modal.getOrCreateInstance(dialog).show();
        }
        this._syncReasons(this.el);
        return this._super(...arguments);
    },

    _syncReasons(container) {
        for (const select of container.querySelectorAll('select[name="reason_id"]')) {
            syncReasonRequired(select, select.closest("form").querySelector('[name="reason"]'));
        }
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
        if (["requested_start", "requested_duration"].includes(ev.target.name)) {
            this._loadSlots(form);
        }
        clearTimeout(this._timer);
        this._timer = setTimeout(() => this._refreshDecision(form), 250);
    },

    _onShown(ev) {
        const form = ev.target.querySelector(".tab-pane.active form[data-request-type='change'], form[data-request-type='rebook']");
        if (form) {
            this._loadSlots(form);
        }
    },

    async _onPencil(ev) {
        ev.preventDefault();
        const holder = this.el.querySelector(".o_booking_remote_dialog");
        const response = await fetch(ev.currentTarget.dataset.dialogUrl);
        if (!response.ok) {
            return;
        }
        for (const modal of holder.querySelectorAll(".modal")) {
            window.Modal.getInstance(modal)?.dispose();
        }
        holder.innerHTML = await response.text();
        const root = holder.querySelector(".o_booking_dialog_root");
        this._syncReasons(holder);
        const dialog = root && root.querySelector(root.dataset.open);
        if (dialog) {
            window.Modal.getOrCreateInstance(dialog).show();
        }
    },

    async _refreshDecision(form) {
        const sequence = ++this._sequence;
        const root = form.closest(".o_booking_dialog_root");
        const params = { type: form.dataset.requestType };
        for (const name of DECISION_FIELDS) {
            const input = form.elements[name];
            if (input && input.value) {
                params[name] = input.value;
            }
        }
        const data = await getJson(`${root.dataset.decisionUrl}?${query(root, params)}`);
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

    // The free times of the day in the date field, as buttons that fill the form.
    async _loadSlots(form) {
        const container = form.querySelector(".o_booking_slots");
        const start = form.elements.requested_start;
        if (!container || !start || !start.value) {
            return;
        }
        const root = form.closest(".o_booking_dialog_root");
        const params = { date: start.value.slice(0, 10), type: form.dataset.requestType };
        const duration = form.elements.requested_duration;
        if (duration && duration.value) {
            params.duration = duration.value;
        }
        const sequence = ++this._slotsSequence;
        const data = await getJson(`${root.dataset.slotsUrl}?${query(root, params)}`);
        if (sequence !== this._slotsSequence) {
            return;
        }
        container.replaceChildren();
        const title = document.createElement("div");
        title.className = "small text-muted mb-1";
        if (data.error) {
            title.textContent = data.error;
        } else if (!data.slots.length) {
            title.textContent = _t("No free time that day: pick another day, or ask for a time and we review it.");
        } else {
            title.textContent = _t("Free times that day (%s):", data.timezone);
        }
        container.append(title);
        const group = document.createElement("div");
        group.className = "d-flex flex-wrap gap-1 o_booking_slot_list";
        for (const slot of data.slots || []) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = `btn btn-sm o_booking_slot ${
                slot.outcome === "free" ? "btn-outline-success" : "btn-outline-secondary"
            }`;
            button.dataset.start = slot.start;
            button.dataset.outcome = slot.outcome;
            button.textContent = `${slot.time || slot.start.slice(11)} · ${slot.label}`;
            group.append(button);
        }
        container.append(group);
    },

    _onSlot(ev) {
        const button = ev.currentTarget;
        const form = button.closest("form");
        const start = form.elements.requested_start;
        start.value = button.dataset.start;
        for (const name of ["time_block_id", "requested_date"]) {
            if (form.elements[name]) {
                form.elements[name].value = "";
            }
        }
        for (const other of form.querySelectorAll(".o_booking_slot.active")) {
            other.classList.remove("active");
        }
        button.classList.add("active");
        clearTimeout(this._timer);
        this._refreshDecision(form);
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
        const button = this.el.querySelector(".o_booking_bulk_submit");
        if (!button) {
            return; // nothing on this page can be cancelled: no panel
        }
        const boxes = this._boxes();
        const count = boxes.filter((box) => box.checked).length;
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
