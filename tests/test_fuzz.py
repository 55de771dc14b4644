import math
from datetime import datetime, timedelta

import pytz
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


def expected_text(value):
    """None when ``value`` is acceptable form text, else 400."""
    return None if value is None or len(value) <= 2000 else 400


def parse_local(value, tz="Europe/Brussels"):
    """An independent reading of the form's date and time: (naive UTC or None, error status or None)."""
    if value in (None, ""):
        return None, None
    if len(value) > 32:
        return None, 400
    try:
        local = datetime.strptime(value.strip()[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None, 400
    if not 2000 <= local.year <= 2100:
        return None, 400
    try:
        aware = pytz.timezone(tz).localize(local, is_dst=None)
    except pytz.NonExistentTimeError:
        return None, 400
    except pytz.AmbiguousTimeError:
        aware = pytz.timezone(tz).localize(local, is_dst=False)
    return aware.astimezone(pytz.utc).replace(tzinfo=None), None


def parse_number(value, kind=float):
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return None if math.isnan(number) else number


@tagged("post_install", "-at_install")
class TestFuzzRoutes(BookingHttpCase):
    """Random input on every route and parameter: the status an independent reading of the input
    expects (valid input succeeds), never a 500, never a partial change."""

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

    def check_outcome(self, response, booking, before, expected):
        """The expected status; 303: exactly one request, applied if approved. Else: nothing changed."""
        self.assertEqual(response.status_code, expected, response.text[:500])
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

    def expected_cancel(self, reason_id, reason):
        if expected_text(reason):
            return 400
        if reason_id in (None, "", "0"):
            return 303
        number = parse_number(reason_id, int)
        if number is None or not 0 < number < 2**31:
            return 400
        found = self.env["booking.cancel.reason"].browse(number).exists()
        if not found or (found.requires_note and not (reason or "").replace("\x00", "").strip()):
            return 400
        return 303

    def expected_change(self, booking, start, duration, product, note):
        """What the change form should answer, read independently of the controller."""
        if expected_text(note):
            return 400
        utc, error = parse_local(start)
        if error:
            return 400
        hours = None
        if duration not in (None, ""):
            hours = parse_number(duration)
            if hours is None or not 0.25 <= hours <= 336:
                return 400
        if utc is None and hours not in (None, 1.0):
            return 400
        product_id = None
        if product not in (None, "", "0"):
            product_id = parse_number(product, int)
            if product_id is None or not 0 < product_id < 2**31:
                return 400
            if product_id not in (self.walk | self.grooming).ids:
                return 400
        same_time = utc == booking._booking_start() and hours in (None, 1.0)
        new_product = product_id not in (None, self.walk.id)
        if (utc is None or same_time) and not new_product and not (note or "").replace("\x00", "").strip():
            return 400
        if utc is not None and not same_time and utc < datetime.now() + timedelta(hours=24):
            return 409  # inside the cutoff or past: the policy refuses, with whom to contact
        return 303

    @FUZZ
    @given(kind=st.sampled_from(["visit", "order"]), reason_id=maybe(text), reason=maybe(text))
    def test_fuzz_cancel(self, kind, reason_id, reason):
        """POST /cancel with random reason and reason_id."""
        booking = (self.make_visit if kind == "visit" else self.make_order)(self.far)
        before = self.snapshot(booking)
        self.login(self.customer_a)
        response = self.post(
            self.url(booking, "/cancel"), self.form({"reason_id": reason_id, "reason": reason})
        )
        self.check_outcome(response, booking, before, self.expected_cancel(reason_id, reason))

    @FUZZ
    @given(
        kind=st.sampled_from(["visit", "order"]),
        start=maybe(datetimes),
        duration=maybe(st.one_of(text, st.floats(0, 400).map(str))),
        product=maybe(st.one_of(text, st.integers(-5, 10**12).map(str))),
        note=maybe(text),
    )
    def test_fuzz_change(self, kind, start, duration, product, note):
        """POST /change with random dates, durations, services and notes."""
        worker = self.env["res.users"].create(
            {"name": "Fuzz worker", "login": f"fuzz_{self.env['res.users'].search_count([])}"}
        )
        booking = (self.make_visit if kind == "visit" else self.make_order)(self.far, workers=worker)
        before = self.snapshot(booking)
        self.login(self.customer_a)
        data = {
            "requested_start": start,
            "requested_duration": duration,
            "requested_product_id": product,
            "requested_note": note,
        }
        expected = self.expected_change(booking, start, duration, product, note)
        self.check_outcome(
            self.post(self.url(booking, "/change"), self.form(data)), booking, before, expected
        )

    @FUZZ
    @given(
        start=maybe(datetimes),
        duration=maybe(text),
        note=maybe(text),
        signed=st.booleans(),
        token=maybe(text),
    )
    def test_fuzz_rebook_logged_out(self, start, duration, note, signed, token):
        """POST /rebook as a visitor with random input, with the link (signed or not) or a random token."""
        order = self.make_order(self.far)
        self.cancel(order)
        before = self.snapshot(order)
        link = self.link_params(order, self.partner_a)
        self.logout()
        data = {"requested_start": start, "requested_duration": duration, "requested_note": note}
        if token is None:
            data.update(link if signed else {"access_token": link["access_token"]})
            utc, error = parse_local(start)
            hours = parse_number(duration) if duration not in (None, "") else None
            if not signed:
                expected = 403  # a token without its recipient's signature reads, never acts
            elif (
                expected_text(note)
                or error
                or (duration not in (None, "") and (hours is None or not 0.25 <= hours <= 336))
            ) or utc is None:
                expected = 400
            elif utc < datetime.now() + timedelta(hours=24):
                expected = 409
            else:
                expected = 303
        else:
            data["access_token"] = token
            expected = 303 if token == link["access_token"] else 404
            if expected == 303:
                return  # the random text happened to be the token: covered above
        self.check_outcome(self.post(self.url(order, "/rebook"), self.form(data)), order, before, expected)

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
        valid = self.expected_cancel(reason_id, reason) == 303
        if own and valid:
            self.assertEqual(
                (after[0], after[1]), (before[0] + 1, True), "valid input on one's own booking: cancelled"
            )
        else:
            self.assertEqual(after, before)
        self.assertEqual(self.url_open(response.headers["Location"]).status_code, 200)

    @FUZZ
    @given(request_id=st.integers(min_value=0, max_value=2**63), token=maybe(text))
    def test_fuzz_withdraw(self, request_id, token):
        """POST /my/booking-requests/<id>/withdraw with random ids and tokens."""
        mine = self.cancel(self.make_visit(self.near))
        theirs = self.cancel(self.make_visit(self.near, partner=self.partner_b), partner=self.partner_b)
        self.login(self.customer_a)
        target = request_id % 3
        request_id = {0: request_id, 1: mine.id, 2: theirs.id}[target]
        target_request = (
            self.env["booking.change.request"].browse(request_id if request_id < 2**31 else 0).exists()
        )
        if target_request and target_request.partner_id == self.partner_a:
            expected = 303 if target_request.state == "pending" else 409
        else:
            expected = 404
        response = self.post(
            f"/my/booking-requests/{request_id}/withdraw", self.form({"access_token": token})
        )
        self.assertEqual(response.status_code, expected)
        (mine | theirs).invalidate_recordset()
        self.assertEqual(theirs.state, "pending")
        self.assertEqual(mine.state, "withdrawn" if target == 1 else "pending")

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
        """GET pages with random kinds, ids and query parameters: the expected status, and nothing written."""
        booking = self.make_visit(self.far)
        count = self.env["booking.change.request"].search_count([])
        if logged_in:
            self.login(self.customer_a)
        else:
            self.logout()
        own = bool(booking_id % 2)
        booking_id = booking.id if own else booking_id
        params = self.form(
            {"action": action, "message": message, "access_token": token, "filterby": filterby}
        )
        page_ok = logged_in and kind == "visit" and own
        expected = {
            f"/my/bookings/{kind}/{booking_id}": 200 if page_ok else 404,
            "/my/bookings": 200 if logged_in else 303,
            # no such route for a negative page: 404, or first the login page for a visitor
            f"/my/bookings/page/{page}": (200 if page >= 0 else 404) if logged_in else 303,
        }
        if not kind:
            expected.pop(f"/my/bookings/{kind}/{booking_id}")  # not a booking route at all
        for url, status in expected.items():
            response = self.opener.get(
                self.base_url() + url, params=params, allow_redirects=False, timeout=30
            )
            self.assertEqual(response.status_code, status, url)
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
