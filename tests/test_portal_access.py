"""Route x kind x who: every route walked the way people come, happy paths as well as refusals."""

import json
from datetime import datetime, timedelta

import pytz

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_portal import BookingHttpCase

KINDS = ("visit", "order")
HAPPY = ("customer", "link holder", "no time zone", "second customer", "someone else's link")
REFUSED = ("another customer", "plain employee", "its field worker", "salesperson", "other company's staff")


@tagged("post_install", "-at_install")
class TestPortalAccess(BookingHttpCase):
    """Each route, for both kinds, as each kind of visitor: the right person succeeds, others get 404."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.organizer.tz = "Asia/Tokyo"  # the booking's own time zone, for a customer without one
        family = cls.env["res.partner"].create({"name": "Customer family", "is_company": True})
        cls.partner_a.parent_id = family
        cls.customer_second = new_test_user(
            cls.env, "customer_second", groups="base.group_portal", name="Sam Second", email="sam@example.com"
        )
        cls.customer_second.partner_id.write({"parent_id": family.id, "tz": "America/Sao_Paulo"})
        cls.customer_notz = new_test_user(
            cls.env, "customer_notz", groups="base.group_portal", name="Nora Notz", email="nora@example.com"
        )
        cls.customer_notz.partner_id.write({"parent_id": family.id, "tz": False})
        cls.partner_b.tz = "America/New_York"
        _company, cls.other_staff = cls.make_other_company()
        cls.salesperson = new_test_user(
            cls.env, "matrix_seller", groups="sales_team.group_sale_salesman_all_leads", name="Sally Seller"
        )
        cls.company.booking_change_auto_approve = "always"

    # ------------------------------------------------------------------
    # Bookings and visitors
    # ------------------------------------------------------------------

    def booking(self, kind, days=6):
        """A booking all three family members are customers of (attendees; the family's order)."""
        customers = self.partner_a | self.customer_second.partner_id | self.customer_notz.partner_id
        start = self.at(24 * days)
        self.workers_made = getattr(self, "workers_made", 0) + 1
        # a worker of its own: the bookings of one test all move to 10:00
        worker = new_test_user(self.env, f"matrix_worker_{self.workers_made}", name="Matrix worker")
        if kind == "visit":
            visit = self.make_visit(start, workers=worker)
            visit.partner_ids = [Command.link(p.id) for p in customers]
            return visit
        order = self.make_order(start, workers=worker)
        order.partner_id = self.partner_a.parent_id
        return order

    def visit_as(self, who, booking):
        """Log in (or out) as ``who``; returns (link params to send, partner who acts, time zone)."""
        if who == "customer":
            self.login(self.customer_a)
            return {}, self.partner_a, "Europe/Brussels"
        if who == "second customer":
            self.login(self.customer_second)
            return {}, self.customer_second.partner_id, "America/Sao_Paulo"
        if who == "no time zone":
            self.login(self.customer_notz)
            return {}, self.customer_notz.partner_id, "Asia/Tokyo"
        link = self.link_params(booking, self.partner_a)
        if who == "link holder":
            self.logout()
        elif who == "someone else's link":
            self.login(self.customer_b)  # in New York: the link's recipient's zone applies
        else:
            self.login(
                {
                    "another customer": self.customer_b,
                    "plain employee": self.worker,
                    "its field worker": booking.booking_worker_ids,
                    "salesperson": self.salesperson,
                    "other company's staff": self.other_staff,
                }[who]
            )
            return {}, None, None
        return link, self.partner_a, "Europe/Brussels"

    def ten_am(self, tz, days=9):
        """10:00 on a day ``days`` from now, in ``tz``: (what the form sends, the UTC it means)."""
        day = (datetime.now(pytz.timezone(tz)) + timedelta(days=days)).date()
        local = datetime.combine(day, datetime.min.time()).replace(hour=10)
        utc = pytz.timezone(tz).localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        return local.strftime("%Y-%m-%dT%H:%M"), utc

    # ------------------------------------------------------------------
    # Happy paths
    # ------------------------------------------------------------------

    def test_page(self):
        """GET the page: 200, in the visitor's time zone, whoever may act."""
        for kind in KINDS:
            booking = self.booking(kind)
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    link, _partner, tz = self.visit_as(who, booking)
                    page = self.url_open(
                        self.url(booking, "?" + "&".join(f"{k}={v}" for k, v in link.items()))
                    )
                    self.assertEqual(page.status_code, 200)
                    self.assertIn(f"Times are shown in {tz}", page.text)
                    self.assertIn("o_booking_cancel_form", page.text)

    def test_cancel(self):
        """POST cancel: 303, and the request is the visitor's own (channel by the path they came)."""
        for kind in KINDS:
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    booking = self.booking(kind)
                    link, partner, _tz = self.visit_as(who, booking)
                    response = self.post(self.url(booking, "/cancel"), {**link, "reason": who})
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    self.assertRecordValues(
                        booking.booking_request_ids,
                        [
                            {
                                "partner_id": partner.id,
                                "channel": "email" if link else "portal",
                                "state": "approved",
                            }
                        ],
                    )
                    self.assertTrue(booking._booking_is_cancelled())
                    self.assertEqual(self.url_open(response.headers["Location"]).status_code, 200)

    def test_change(self):
        """POST change: 303, 10:00 typed is 10:00 in the visitor's zone, stored in UTC."""
        for kind in KINDS:
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    booking = self.booking(kind)
                    link, partner, tz = self.visit_as(who, booking)
                    typed, utc = self.ten_am(tz)
                    response = self.post(
                        self.url(booking, "/change"),
                        {**link, "requested_start": typed, "requested_duration": "1"},
                    )
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    request = booking.booking_request_ids
                    self.assertRecordValues(request, [{"partner_id": partner.id, "requested_start": utc}])
                    self.assertEqual(booking._booking_start(), utc, "applied at once: a free time")
                    self.assertEqual(self.url_open(response.headers["Location"]).status_code, 200)

    def test_rebook(self):
        """POST rebook after the customer's own cancellation: 303 at the time typed in their zone."""
        for kind in KINDS:
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    booking = self.booking(kind)
                    self.cancel(booking)
                    link, partner, tz = self.visit_as(who, booking)
                    typed, utc = self.ten_am(tz, days=12)
                    response = self.post(self.url(booking, "/rebook"), {**link, "requested_start": typed})
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    rebook = booking.booking_request_ids.filtered(lambda r: r.request_type == "rebook")
                    self.assertRecordValues(
                        rebook, [{"partner_id": partner.id, "requested_start": utc, "state": "approved"}]
                    )
                    self.assertFalse(booking._booking_is_cancelled())

    def test_withdraw(self):
        """POST withdraw of one's own pending request: 303."""
        self.company.booking_cancel_auto_approve = "never"
        for kind in KINDS:
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    booking = self.booking(kind)
                    link, partner, _tz = self.visit_as(who, booking)
                    request = self.cancel(booking, partner=partner)
                    response = self.post(f"/my/booking-requests/{request.id}/withdraw", link)
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    self.assertEqual(request.state, "withdrawn")

    def test_decision(self):
        """GET decision (the dialog's question): 200, the same decision the engine would make."""
        for kind in KINDS:
            booking = self.booking(kind)
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    link, _partner, tz = self.visit_as(who, booking)
                    typed, _utc = self.ten_am(tz)
                    query = "&".join(
                        f"{k}={v}"
                        for k, v in {
                            **link,
                            "type": "change",
                            "requested_start": typed,
                            "requested_duration": "1",
                        }.items()
                    )
                    response = self.url_open(self.url(booking, f"/decision?{query}"))
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(json.loads(response.text)["outcome"], "free")

    def test_slots_and_dialog(self):
        """GET the free times (in the visitor's time zone) and the dialog in place: 200."""
        day = (datetime.now() + timedelta(days=9)).date().isoformat()
        for kind in KINDS:
            booking = self.booking(kind)
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    link, _partner, tz = self.visit_as(who, booking)
                    query = "&".join(f"{k}={v}" for k, v in {**link, "date": day, "duration": "1"}.items())
                    response = self.url_open(self.url(booking, f"/slots?{query}"))
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(json.loads(response.text)["timezone"], tz)
                    dialog = self.url_open(self.url(booking, f"/dialog?{query}"))
                    self.assertEqual(dialog.status_code, 200)
                    self.assertIn(f"/my/bookings/{kind}/{booking.id}/decision", dialog.text)
                    self.assertIn("o_booking_cancel_form", dialog.text)

    def test_undo(self):
        """POST undo of one's own approved cancellation: 303, the booking back on."""
        for kind in KINDS:
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    booking = self.booking(kind)
                    link, partner, _tz = self.visit_as(who, booking)
                    request = self.cancel(booking, partner=partner)
                    self.assertEqual(request.state, "approved")
                    response = self.post(f"/my/booking-requests/{request.id}/undo", link)
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    self.assertEqual(request.state, "undone")
                    self.assertFalse(booking._booking_is_cancelled())

    def test_accept(self):
        """POST accept of a time staff proposed on one's own pending change: 303, moved there."""
        self.company.booking_change_auto_approve = "never"
        for kind in KINDS:
            for who in HAPPY:
                with self.subTest(kind=kind, who=who):
                    booking = self.booking(kind)
                    link, partner, _tz = self.visit_as(who, booking)
                    request = self.change(booking, self.at(24 * 8), partner=partner)
                    proposed = self.at(24 * 9)
                    request.with_user(self.reviewer).action_propose(
                        [(proposed, proposed + timedelta(hours=1))]
                    )
                    response = self.post(
                        f"/my/booking-requests/{request.id}/accept",
                        {**link, "proposal_id": request.proposal_ids.id},
                    )
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    self.assertEqual((request.state, booking._booking_start()), ("approved", proposed))

    def test_list_and_calendar(self):
        """Each customer of a booking finds it on /my, their list and calendar; another customer, a
        plain employee and another company's staff do not (their pages answer 200 without it)."""
        for kind in KINDS:
            booking = self.booking(kind)
            marker = f'data-booking="{kind}-{booking.id}"'
            for who in ("customer", "second customer", "no time zone", *REFUSED):
                with self.subTest(kind=kind, who=who):
                    self.visit_as(who, booking)
                    counters = self.make_jsonrpc_request("/my/counters", {"counters": ["booking_count"]})
                    self.assertEqual(counters["booking_count"] > 0, who not in REFUSED, "the tile on /my")
                    listed = self.url_open("/my/bookings")
                    calendar = self.url_open(self.calendar_url(booking))
                    for page in (listed, calendar):
                        self.assertEqual(page.status_code, 200)
                        if who in REFUSED:
                            self.assertNotIn(marker, page.text)
                        else:
                            self.assertIn(marker, page.text)

    def calendar_url(self, booking):
        """The calendar's month of the booking's day, in the zone the calendar shows this visitor."""
        page = self.url_open("/my/bookings/calendar").text
        tz = page.split("Times are shown in ", 1)[1].split(".", 1)[0].split("<", 1)[0].strip()
        day = pytz.utc.localize(booking._booking_start()).astimezone(pytz.timezone(tz)).date()
        return f"/my/bookings/calendar?date={day.isoformat()}"

    # ------------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------------

    def test_bare_tokens_show_but_never_act(self):
        """The booking's token without a signature, or Odoo's own order token: read, never act (403)."""
        self.company.booking_cancel_auto_approve = "never"
        for kind in KINDS:
            booking = self.booking(kind)
            pending = self.cancel(booking)
            tokens = {"booking's token": self.link_params(booking, self.partner_a)["access_token"]}
            if kind == "order":
                tokens["Odoo's order token"] = booking.sudo()._portal_ensure_token()
            typed, _utc = self.ten_am("Europe/Brussels")
            for what, token in tokens.items():
                with self.subTest(kind=kind, token=what):
                    self.logout()
                    link = {"access_token": token}
                    for suffix in ("", "/decision?type=cancel&", "/dialog?", "/slots?date=2030-01-07&"):
                        query = ("?" if not suffix else "") + f"access_token={token}"
                        response = self.url_open(self.url(booking, suffix + query))
                        self.assertEqual(response.status_code, 200, suffix)
                    for suffix in ("/cancel", "/change", "/rebook"):
                        response = self.post(self.url(booking, suffix), {**link, "requested_start": typed})
                        self.assertEqual(response.status_code, 403, suffix)
                    for action in ("withdraw", "undo", "accept"):
                        response = self.post(
                            f"/my/booking-requests/{pending.id}/{action}", {**link, "proposal_id": 1}
                        )
                        self.assertEqual(response.status_code, 403, action)
            self.assertEqual(booking.booking_request_ids, pending)
            self.assertEqual(pending.state, "pending")

    def test_refusals(self):
        """Another customer, a plain employee, the booking's own field worker, a salesperson and another
        company's staff: 404 everywhere, no change."""
        for kind in KINDS:
            booking = self.booking(kind)
            self.company.booking_cancel_auto_approve = "never"
            pending = self.cancel(booking)
            typed, _utc = self.ten_am("Europe/Brussels")
            for who in REFUSED:
                with self.subTest(kind=kind, who=who):
                    self.visit_as(who, booking)
                    self.assertEqual(self.url_open(self.url(booking)).status_code, 404)
                    self.assertEqual(
                        self.url_open(self.url(booking, "/decision?type=cancel")).status_code, 404
                    )
                    for suffix in ("/cancel", "/change", "/rebook"):
                        response = self.post(
                            self.url(booking, suffix), {"requested_start": typed, "reason": "x"}
                        )
                        self.assertEqual(response.status_code, 404, suffix)
                    for suffix in ("/slots?date=2030-01-07&duration=1", "/dialog"):
                        self.assertEqual(self.url_open(self.url(booking, suffix)).status_code, 404, suffix)
                    for action in ("withdraw", "undo", "accept"):
                        response = self.post(
                            f"/my/booking-requests/{pending.id}/{action}", {"proposal_id": 1}
                        )
                        self.assertEqual(response.status_code, 404, action)
            self.assertEqual(booking.booking_request_ids, pending)
            self.assertEqual(pending.state, "pending")
            self.assertFalse(booking._booking_is_cancelled())
