from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import NOW, BookingCase


@tagged("post_install", "-at_install")
class TestSecurity(BookingCase):
    """Who may decide, read and write requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            visit_a, order_a = cls.make_visit(cls.in_hours(30)), cls.make_order(cls.in_hours(30))
            visit_b = cls.make_visit(cls.in_hours(30), partner=cls.partner_b)
            order_b = cls.make_order(cls.in_hours(30), partner=cls.partner_b)
            cls.requests_a = visit_a._booking_request_cancel(cls.partner_a, {}, "portal")
            cls.requests_a |= order_a._booking_request_cancel(cls.partner_a, {}, "portal")
            cls.requests_b = visit_b._booking_request_cancel(cls.partner_b, {}, "portal")
            cls.requests_b |= order_b._booking_request_cancel(cls.partner_b, {}, "portal")

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
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
            }
        )
        self.requests_a.with_user(manager).action_approve()
        self.assertEqual(set(self.requests_a.mapped("state")), {"approved"})

    def test_no_direct_writes(self):
        """Staff cannot skip the decision methods by writing the state."""
        with self.assertRaises(AccessError):
            self.requests_a.with_user(self.organizer).write({"state": "approved"})
        with self.assertRaises(AccessError):
            self.env["booking.change.request"].with_user(self.organizer).create(
                {
                    "request_type": "cancel",
                    "event_id": self.requests_a[0].event_id.id,
                    "partner_id": self.partner_a.id,
                    "channel": "backend",
                    "currency_id": self.company.currency_id.id,
                    "company_id": self.company.id,
                }
            )

    def test_portal_reads_only_own_requests(self):
        """A portal customer reads their own requests and gets an AccessError on another's."""
        requests = self.env["booking.change.request"].with_user(self.customer_a)
        self.assertEqual(requests.search([]), self.requests_a)
        self.requests_a.with_user(self.customer_a).read(["name", "state"])
        with self.assertRaises(AccessError):
            self.requests_b.with_user(self.customer_a).read(["name"])
        with self.assertRaises(AccessError):
            self.requests_a.with_user(self.customer_a).write({"state": "withdrawn"})

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
