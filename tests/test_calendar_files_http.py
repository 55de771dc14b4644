"""'Add to my calendar': the booking's page links its event, which the same people may download."""

from urllib.parse import parse_qs, urlencode, urlsplit

import icalendar
import vobject

from odoo.tests import new_test_user, tagged

from .test_portal import BookingHttpCase


@tagged("post_install", "-at_install")
class TestCalendarFileRoute(BookingHttpCase):
    """GET /my/bookings/<kind>/<id>/ics, read-only, for whoever may see the page (404 for others)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, "ics_employee", name="Plain Employee")

    def bookings_far(self):
        return self.make_visit(self.far), self.make_order(self.far, workers=self.worker_2)

    def download(self, booking, query=None):
        url = self.url(booking, "/ics") + (f"?{urlencode(query)}" if query else "")
        return self.url_open(url, allow_redirects=False)

    def assertEvent(self, response, booking, method="PUBLISH"):
        self.assertEqual(response.status_code, 200, response.text[:200])
        self.assertEqual(response.headers["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(response.headers["Content-Disposition"], "attachment; filename=booking.ics")
        calendar = vobject.readOne(response.content.decode())
        event = calendar.vevent
        self.assertEqual(calendar.method.value, method)
        self.assertEqual(event.uid.value, booking._booking_ics_uid())
        self.assertEqual(int(event.sequence.value), booking._booking_ics_sequence())
        self.assertEqual(event.dtstart.value.replace(tzinfo=None), booking._booking_start())
        # a calendar program reads it too
        parsed = icalendar.Calendar.from_ical(response.content)
        self.assertEqual([str(e.get("UID")) for e in parsed.walk("VEVENT")], [event.uid.value])
        return event

    def test_customer_link_holders_and_readers_download(self):
        """The logged-in customer, a signed link's holder and a bare token's holder: 200, the same event."""
        for booking in self.bookings_far():
            with self.subTest(kind=booking._booking_kind):
                page = booking.get_base_url() + booking._booking_page_path()
                self.login(self.customer_a)
                event = self.assertEvent(self.download(booking), booking)
                self.assertEqual(event.url.value, page, "logged in: the page itself")
                self.assertFalse(hasattr(event, "attendee"), "PUBLISH names no attendee")
                link = self.link_params(booking, self.partner_a)
                self.logout()
                event = self.assertEvent(self.download(booking, link), booking)
                query = {key: values[0] for key, values in parse_qs(urlsplit(event.url.value).query).items()}
                self.assertEqual(query, link, "a link holder's file opens the page as their link does")
                bare = {"access_token": link["access_token"]}
                self.assertEvent(self.download(booking, bare), booking)

    def test_others_get_404(self):
        """Another customer, a plain employee, the booking's worker, a wrong token: 404, no file."""
        for booking in self.bookings_far():
            link = self.link_params(booking, self.partner_a)
            for who in (self.customer_b, self.employee, self.worker):
                with self.subTest(kind=booking._booking_kind, who=who.name):
                    self.login(who)
                    response = self.download(booking)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn("BEGIN:VCALENDAR", response.text)
            self.logout()
            self.assertEqual(self.download(booking).status_code, 404)
            self.assertEqual(self.download(booking, {**link, "access_token": "x" * 36}).status_code, 404)
        self.assertEqual(self.url_open("/my/bookings/visit/999999/ics").status_code, 404)

    def test_cancelled_booking_downloads_as_cancel(self):
        """After a cancellation the download removes the event (CANCEL); the page no longer offers it."""
        for booking in self.bookings_far():
            self.cancel(booking)
            self.login(self.customer_a)
            event = self.assertEvent(self.download(booking), booking, "CANCEL")
            self.assertEqual(event.status.value, "CANCELLED")
            self.assertNotIn("o_booking_ics", self.url_open(self.url(booking)).text)

    def test_page_links_the_file_with_the_visitors_link(self):
        """The page's "Add to my calendar" carries the link holder's query, so it works logged out."""
        visit, order = self.bookings_far()
        self.login(self.customer_a)
        html = self.url_open(self.url(visit)).text
        self.assertIn(f'href="/my/bookings/visit/{visit.id}/ics"', html)
        self.assertIn("Add to my calendar", html)
        self.logout()
        query = self.link_query(order, self.partner_a)
        html = self.url_open(self.url(order, query)).text
        self.assertIn(f'href="/my/bookings/order/{order.id}/ics{query.replace("&", "&amp;")}"', html)

    def test_route_stays_on_a_read_only_cursor(self):
        """The download is a read-only GET (replica-ready): no fallback to a read/write cursor."""
        visit, order = self.bookings_far()
        link = self.link_params(order, self.partner_a)
        with self.assertNoLogs("odoo.http", "WARNING"):
            self.login(self.customer_a)
            self.assertEqual(self.download(visit).status_code, 200)
            self.logout()
            self.assertEqual(self.download(order, link).status_code, 200)
