from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..tools.compat import GROUP_IDS
from .common import NOW, BookingCase

SENSITIVE = (
    "fee_amount",
    "fee_total",
    "fee_invoice_id",
    "requester_ip",
    "requester_user_agent",
)


@tagged("post_install", "-at_install")
class TestSecurity(BookingCase):
    """Who may decide, cancel, read and write requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            visit_a, order_a = cls.make_visit(cls.in_hours(30)), cls.make_order(cls.in_hours(30))
            visit_b = cls.make_visit(cls.in_hours(30), partner=cls.partner_b)
            order_b = cls.make_order(cls.in_hours(30), partner=cls.partner_b)
            origin = {"requester_ip": "10.0.0.1", "requester_user_agent": "Firefox"}
            cls.requests_a = visit_a._booking_request_cancel(cls.partner_a, dict(origin), "portal")
            cls.requests_a |= order_a._booking_request_cancel(cls.partner_a, dict(origin), "portal")
            cls.requests_b = visit_b._booking_request_cancel(cls.partner_b, {}, "portal")
            cls.requests_b |= order_b._booking_request_cancel(cls.partner_b, {}, "portal")
        cls.employee = cls.worker  # a field worker: a plain employee, no sales or reviewer rights

    def test_only_reviewers_decide(self):
        """A salesperson without the reviewer group can neither approve nor deny."""
        for method, args in (
            ("action_approve", ()),
            ("action_deny", ("no",)),
            ("action_open_deny_wizard", ()),
        ):
            with self.assertRaises(AccessError):
                getattr(self.requests_a.with_user(self.organizer), method)(*args)
        self.assertEqual(set(self.requests_a.mapped("state")), {"pending"})

    def test_sales_manager_is_reviewer(self):
        """Sales managers review requests."""
        manager = self.env["res.users"].create(
            {
                "name": "Manny Manager",
                "login": "manny",
                GROUP_IDS: [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
            }
        )
        self.requests_a.with_user(manager).action_approve()
        self.assertEqual(set(self.requests_a.mapped("state")), {"approved"})

    def test_plain_employee_cannot_cancel_nor_invoice(self):
        """A field worker cannot open the staff cancel wizard nor call what is behind it: no invoice."""
        invoices = self.env["account.move"].search_count([])
        for booking in [request._booking() for request in self.requests_a]:
            with self.assertRaises(AccessError):
                booking.with_user(self.employee).action_booking_cancel()
            with self.assertRaises(AccessError):
                Form(
                    self.env["booking.cancel.wizard"]
                    .with_user(self.employee)
                    .with_context(active_model=booking._name, active_id=booking.id)
                )
            with self.assertRaises(AccessError):
                booking.with_user(self.employee)._booking_staff_cancel(self.reason.id, "x", 999.0)
            self.assertFalse(booking._booking_is_cancelled())
        self.assertEqual(self.env["account.move"].search_count([]), invoices)

    def test_plain_employee_cannot_withdraw(self):
        """Withdrawing is for the request's own customer, or a reviewer on their behalf."""
        with self.assertRaises(AccessError):
            self.requests_b[0].with_user(self.employee).action_withdraw()
        self.assertEqual(self.requests_b[0].state, "pending")
        self.requests_b[0].with_user(self.reviewer).action_withdraw()
        self.assertEqual(self.requests_b[0].state, "withdrawn")

    def test_other_companys_reviewer_is_refused(self):
        """A reviewer of another company neither decides nor cancels this company's bookings."""
        _company, other_reviewer = self.make_other_company()
        with self.assertRaises(AccessError):
            self.requests_a.with_user(other_reviewer).action_approve()
        booking = self.requests_b[0]._booking()
        with self.assertRaises(AccessError):
            booking.with_user(other_reviewer)._booking_staff_cancel(self.reason.id, "x", 5.0)
        self.assertEqual(set(self.requests_a.mapped("state")), {"pending"})
        self.assertFalse(booking._booking_is_cancelled())

    def test_no_direct_writes(self):
        """Not even a reviewer writes a request's state, fee or customer: only the engine's methods do."""
        for user in (self.organizer, self.reviewer):
            for values in ({"state": "approved"}, {"fee_amount": 0.0}, {"partner_id": self.partner_b.id}):
                with self.assertRaises(AccessError, msg=f"{user.name} writes {values}"):
                    self.requests_a.with_user(user).write(values)
        self.assertEqual(set(self.requests_a.mapped("state")), {"pending"})
        self.assertEqual(self.requests_a.partner_id, self.partner_a)
        self.requests_a.with_user(self.reviewer).write(
            {"user_id": self.reviewer.id}
        )  # editing is for reviewers
        with self.assertRaises(AccessError):
            self.env["booking.change.request"].with_user(self.reviewer).create(
                {
                    "request_type": "cancel",
                    "event_id": self.requests_a[0].event_id.id,
                    "partner_id": self.partner_a.id,
                    "channel": "backend",
                    "currency_id": self.company.currency_id.id,
                    "company_id": self.company.id,
                }
            )

    def test_no_duplicate_no_delete(self):
        """Requests are the audit trail: never duplicated nor deleted, even by the administrator."""
        self.requests_a.with_user(self.reviewer).action_approve()
        for env in (self.env, self.env(user=self.env.ref("base.user_admin"))):
            with self.assertRaises(UserError):
                self.requests_a[0].with_env(env).copy()
            with self.assertRaises(UserError):
                self.requests_a.with_env(env).unlink()
        self.assertEqual(len(self.requests_a.exists()), 2)
        for view_type in ("form", "list", "kanban"):
            arch = etree.fromstring(self.env["booking.change.request"].get_view(view_type=view_type)["arch"])
            self.assertEqual(arch.get("delete"), "0", view_type)
        form = etree.fromstring(self.env["booking.change.request"].get_view(view_type="form")["arch"])
        self.assertEqual(form.get("duplicate"), "0")

    def test_money_and_origin_for_reviewers_only(self):
        """Fees, IP and user agent: reviewers read them, other employees do not."""
        own = self.requests_a.with_user(self.employee)
        own.read(["name", "state"])  # the requests of bookings they work on
        for field in SENSITIVE:
            with self.assertRaises(AccessError, msg=field):
                own.read([field])
        values = self.requests_a.with_user(self.reviewer).read(list(SENSITIVE))
        self.assertEqual(values[0]["requester_ip"], "10.0.0.1")

    def test_employee_reads_only_the_requests_of_their_bookings(self):
        """A worker reads the requests of the bookings they work on, not the others."""
        with freeze_time(NOW):
            other = self.make_visit(self.in_hours(24 * 9), partner=self.partner_b, workers=self.worker_2)
            request = other._booking_request_change(self.partner_b, {"requested_note": "x"}, "portal")
        with self.assertRaises(AccessError):
            request.with_user(self.employee).read(["name"])

    def test_portal_reads_only_own_requests(self):
        """A portal customer reads their own requests and gets an AccessError on another's."""
        requests = self.env["booking.change.request"].with_user(self.customer_a)
        self.assertEqual(requests.search([]), self.requests_a)
        self.requests_a.with_user(self.customer_a).read(["name", "state"])
        with self.assertRaises(AccessError):
            self.requests_b.with_user(self.customer_a).read(["name"])
        with self.assertRaises(AccessError):
            self.requests_a.with_user(self.customer_a).write({"state": "withdrawn"})
        with self.assertRaises(AccessError):
            self.requests_a.with_user(self.customer_a).read(["fee_amount"])

    def test_portal_cannot_withdraw_another_customers_request(self):
        """Withdrawing is for the request's own customer."""
        with self.assertRaises(AccessError):
            self.requests_b[0].with_user(self.customer_a).action_withdraw()
        self.assertEqual(self.requests_b[0].state, "pending")

    def test_backend_channel_is_staff_only(self):
        """A customer cannot pass as staff by using the backend channel."""
        booking = self.requests_b[0].event_id.with_user(self.customer_a)
        with self.assertRaises(AccessError):
            booking._booking_request_change(self.partner_a, {"requested_note": "x"}, "backend")
