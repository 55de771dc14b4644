from datetime import datetime

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from odoo.tests import tagged

from .test_portal import BookingHttpCase

# Reproducible in CI (same examples every run), no deadline: each example is a real HTTP
# request. No shrinking: it can take minutes of HTTP requests; the first failing example is shown.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
OK_STATUSES = {200, 303, 400, 403, 404, 409}

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE booking_change_request; --",
    "{{ 7*7 }} ${7*7} %s %(x)s",
    "\u202e\u200b\ufeff",
    "😀" * 50,
    "\x00\x01\x1f",
    " " * 10,
    "",
]
# No lone surrogates: they cannot be sent as UTF-8 at all.
text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.sampled_from(PAYLOADS),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=5000, alphabet="ab"),
)
datetimes = st.one_of(
    text,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M")
    ),
    st.builds(
        "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}".format,
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
    ),
)
maybe = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731 - a field may be left out


@tagged("post_install", "-at_install")
class TestFuzzRoutes(BookingHttpCase):
    """Random input on every route and parameter: never a 500, never a partial change."""

    def snapshot(self, booking):
        booking.invalidate_recordset()
        booking.booking_request_ids.invalidate_recordset()
        return (
            len(booking.booking_request_ids),
            booking._booking_is_cancelled(),
            booking._booking_start(),
            booking._booking_stop(),
            booking._booking_product().id,
        )

    def check_outcome(self, response, booking, before):
        """303: exactly one request, applied if approved, untouched if pending. Else: nothing changed."""
        self.assertIn(response.status_code, OK_STATUSES, response.text[:500])
        after = self.snapshot(booking)
        if response.status_code != 303:
            self.assertEqual(after, before, "a refusal changes nothing")
            return
        self.assertEqual(after[0], before[0] + 1, "one request per accepted POST")
        request = booking.booking_request_ids.sorted("id")[-1]
        if request.state == "pending":
            self.assertEqual(after[1:], before[1:], "a pending request leaves the booking as it is")
        elif request.request_type == "cancel":
            self.assertTrue(after[1])
        elif request.requested_start:
            self.assertEqual(after[2:4], (request.requested_start, request.requested_stop))

    def form(self, values):
        return {key: value for key, value in values.items() if value is not None}

    @FUZZ
    @given(
        kind=st.sampled_from(["visit", "order"]), reason_id=maybe(text), reason=maybe(text), token=maybe(text)
    )
    def test_fuzz_cancel(self, kind, reason_id, reason, token):
        """POST /cancel with random reason, reason_id and token."""
        booking = (self.make_visit if kind == "visit" else self.make_order)(self.far)
        before = self.snapshot(booking)
        self.login(self.customer_a)
        response = self.post(
            self.url(booking, "/cancel"),
            self.form({"reason_id": reason_id, "reason": reason, "access_token": token}),
        )
        self.check_outcome(response, booking, before)

    @FUZZ
    @given(
        kind=st.sampled_from(["visit", "order"]),
        start=maybe(datetimes),
        duration=maybe(text),
        product=maybe(st.one_of(text, st.integers(-5, 10**12).map(str))),
        note=maybe(text),
    )
    def test_fuzz_change(self, kind, start, duration, product, note):
        """POST /change with random dates, durations, services and notes."""
        booking = (self.make_visit if kind == "visit" else self.make_order)(self.far, workers=self.worker_2)
        before = self.snapshot(booking)
        self.login(self.customer_a)
        data = {
            "requested_start": start,
            "requested_duration": duration,
            "requested_product_id": product,
            "requested_note": note,
        }
        self.check_outcome(self.post(self.url(booking, "/change"), self.form(data)), booking, before)

    @FUZZ
    @given(start=maybe(datetimes), duration=maybe(text), note=maybe(text), token=maybe(text))
    def test_fuzz_rebook_logged_out(self, start, duration, note, token):
        """POST /rebook as a visitor with random input and token (or none)."""
        order = self.make_order(self.far)
        self.cancel(order)
        before = self.snapshot(order)
        self.logout()
        data = {"requested_start": start, "requested_duration": duration, "requested_note": note}
        if token is not None:
            data["access_token"] = order._booking_token() if token == "" else token
        self.check_outcome(self.post(self.url(order, "/rebook"), self.form(data)), order, before)

    @FUZZ
    @given(
        keys=st.lists(
            st.one_of(text, st.sampled_from(["visit-", "order-", "visit-0", "order-99999999999"])), max_size=6
        ),
        own=st.booleans(),
        reason=maybe(text),
        reason_id=maybe(text),
    )
    def test_fuzz_bulk_cancel(self, keys, own, reason, reason_id):
        """POST /my/bookings/cancel with random booking keys and reasons."""
        booking = self.make_visit(self.far)
        other = self.make_visit(self.far, partner=self.partner_b)
        before, before_other = self.snapshot(booking), self.snapshot(other)
        self.login(self.customer_a)
        keys = keys + [f"visit-{booking.id}"] * own + [f"visit-{other.id}"]
        data = [("csrf_token", self.csrf())] + [("booking", key) for key in keys]
        data += [
            (name, value)
            for name, value in (("reason", reason), ("reason_id", reason_id))
            if value is not None
        ]
        response = self.url_open("/my/bookings/cancel", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.snapshot(other), before_other, "another customer's booking is never touched")
        after = self.snapshot(booking)
        self.assertTrue(
            after == before or (after[0] == before[0] + 1 and after[1]), "all or nothing per booking"
        )
        self.assertEqual(self.url_open("/my/bookings").status_code, 200)

    @FUZZ
    @given(request_id=st.integers(min_value=0, max_value=2**63), token=maybe(text))
    def test_fuzz_withdraw(self, request_id, token):
        """POST /my/booking-requests/<id>/withdraw with random ids and tokens."""
        mine = self.cancel(self.make_visit(self.near))
        theirs = self.cancel(self.make_visit(self.near, partner=self.partner_b), partner=self.partner_b)
        self.login(self.customer_a)
        target = request_id % 3
        request_id = {0: request_id, 1: mine.id, 2: theirs.id}[target]
        response = self.post(
            f"/my/booking-requests/{request_id}/withdraw", self.form({"access_token": token})
        )
        self.assertIn(response.status_code, OK_STATUSES)
        (mine | theirs).invalidate_recordset()
        self.assertEqual(theirs.state, "pending")
        self.assertEqual(mine.state, "withdrawn" if response.status_code == 303 else "pending")

    @FUZZ
    @given(
        kind=st.sampled_from(["visit", "order", "boat", "", "VISIT"]),
        booking_id=st.integers(min_value=0, max_value=2**70),
        action=maybe(text),
        message=maybe(text),
        token=maybe(text),
        filterby=maybe(text),
        page=st.integers(min_value=-5, max_value=2**40),
        logged_in=st.booleans(),
    )
    def test_fuzz_get_pages(self, kind, booking_id, action, message, token, filterby, page, logged_in):
        """GET pages with random kinds, ids and query parameters: a 2xx or a 4xx, and nothing written."""
        booking = self.make_visit(self.far)
        count = self.env["booking.change.request"].search_count([])
        if logged_in:
            self.login(self.customer_a)
        else:
            self.logout()
        booking_id = booking.id if booking_id % 2 else booking_id
        params = self.form(
            {"action": action, "message": message, "access_token": token, "filterby": filterby}
        )
        for url in (f"/my/bookings/{kind}/{booking_id}", "/my/bookings", f"/my/bookings/page/{page}"):
            response = self.opener.get(
                self.base_url() + url, params=params, allow_redirects=False, timeout=30
            )
            self.assertIn(response.status_code, OK_STATUSES | {301, 302, 307, 308}, url)
            self.assertNotIn("Traceback", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.env["booking.change.request"].search_count([]), count, "a GET changes nothing")
        self.assertUnchanged(booking)


@tagged("post_install", "-at_install")
class TestEscaping(BookingHttpCase):
    """Script payloads come back escaped: portal page, emails, chatter."""

    SCRIPT = '<script>alert("x")</script>'

    def test_payloads_escaped_everywhere(self):
        """Customer text and names with markup never come back as markup."""
        self.partner_a.name = f"Eve {self.SCRIPT}"
        visit = self.make_visit(self.near)
        self.login(self.customer_a)
        reason = '<script>alert("reason")</script>'
        response = self.post(self.url(visit, "/cancel"), {"reason": reason})
        self.assertEqual(response.status_code, 303)
        page = self.url_open(self.url(visit)).text
        list_page = self.url_open("/my/bookings").text
        self.env.invalidate_all()
        request = visit.booking_request_ids
        self.assertEqual(request.reason, reason, "kept as the customer wrote it")
        self.assertIn(str(escape(reason)), page, "the customer's words in the request history, escaped")
        for label, html in (("booking page", page), ("list page", list_page)):
            self.assertNotIn("<script>alert", html, label)
            self.assertIn("&lt;script&gt;alert", html, label)
        messages = request.message_ids | visit.message_ids
        bodies = messages.mapped("body") + request.message_ids.mail_ids.mapped("body_html")
        self.assertTrue(bodies)
        for body in bodies:
            self.assertNotIn("<script", body or "")
        self.assertIn("&lt;script&gt;", "".join(b or "" for b in bodies))
        for field in ("reason", "requested_note", "decision_note"):
            self.assertEqual(
                request._fields[field].type, "text", "shown as text in the backend, never as HTML"
            )
