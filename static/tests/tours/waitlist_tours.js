/** @odoo-module **/

import { registry } from "@web/core/registry";

// A step posting a form leaves the page: Odoo 19's tour runner must be told (booking_tours.js).
function leavesPage(step) {
    const odoo19 = odoo.loader.modules.has("@web_tour/js/tour_service");
    return odoo19 ? { ...step, expectUnloadPage: true } : step;
}

registry.category("web_tour.tours").add("booking_waitlist_ask", {
    steps: () => [
        {
            content: "Open the dialog",
            trigger: ".o_booking_make_changes",
            run: "click",
        },
        {
            content: "Ask to come earlier",
            trigger: "#booking_dialog.show .o_booking_tab_waitlist",
            run: "click",
        },
        leavesPage({
            content: "The days start today and end the day before the booking: send them",
            trigger: "#booking_dialog.show #booking_tab_waitlist.active .o_booking_waitlist_join",
            run: "click",
        }),
        {
            content: "On the list, and it says so",
            trigger: ".o_booking_success:contains(You are on the move-up list)",
        },
        {
            trigger: ".o_booking_waitlist_waiting .o_booking_waitlist_withdraw",
        },
    ],
});

registry.category("web_tour.tours").add("booking_waitlist_take", {
    steps: () => [
        {
            content: "The email's link shows the earlier time offered and until when",
            trigger: ".o_booking_waitlist_offer.bg-light .o_booking_waitlist_deadline",
        },
        leavesPage({
            content: "Take it",
            trigger: ".o_booking_waitlist_offer.bg-light .o_booking_offer_accept",
            run: "click",
        }),
        {
            content: "Moved at once",
            trigger: ".o_booking_success:contains(your booking is moved to the time you accepted)",
        },
    ],
});
