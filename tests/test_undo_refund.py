"""Undo a cancellation, and refund what a customer paid in advance: the accounting moves and their amounts."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ..tools.compat import GROUP_IDS
from ..tools.refusal import BookingRefusal
from .common import NOW, BookingCase, MoneyMixin
from .test_portal import BookingHttpCase


class MoneyCase(MoneyMixin, BookingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.booking_cancel_auto_approve = "always"
        cls.company.booking_fee_rule_ids = [
            Command.clear(),
            Command.create({"hours_before": 48.0, "fee_type": "percent", "amount": 50.0}),
        ]
        cls.accountant = cls.env["res.users"].create(
            {
                "name": "Ada Accountant",
                "login": "ada_accountant",
                GROUP_IDS: [Command.set(cls.env.ref("account.group_account_manager").ids)],
            }
        )


@tagged("post_install", "-at_install")
class TestRefunds(MoneyCase):
    def test_unpaid_order(self):
        """Not invoiced, nothing paid: no credit note, no refund; a late one gets its fee invoice."""
        with freeze_time(NOW):
            far, late = self.make_order(NOW + timedelta(days=5)), self.make_order(NOW + timedelta(hours=40))
            self.assertEqual(far._booking_decision("cancel").refund, 0.0)
            free, fee = self.cancel(far), self.cancel(late)
        self.assertRecordValues(
            free, [{"refund_amount": 0.0, "refund_move_id": False, "fee_invoice_id": False}]
        )
        self.assertRecordValues(fee, [{"refund_amount": 0.0, "refund_move_id": False, "fee_amount": 20.0}])
        self.assertEqual(fee.fee_invoice_id.amount_total, 20.0)

    def test_paid_order_without_fee(self):
        """Paid 100, cancelled early: the dialog says 100 back; a credit note of 100; to return."""
        with freeze_time(NOW):
            order, invoice = self.invoiced_order(NOW + timedelta(days=5))
            self.assertEqual(order._booking_decision("cancel").refund, 100.0)
            request = self.cancel(order)
        credit = request.refund_move_id
        self.assertRecordValues(
            credit,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "amount_total": 100.0,
                    "reversed_entry_id": invoice.id,
                }
            ],
        )
        self.assertEqual(request.refund_amount, 100.0)
        self.assertFalse(request.fee_invoice_id)
        self.assertEqual(credit.activity_ids.user_id, self.accountant)
        self.assertEqual(credit.activity_ids.summary, "Return 100.00 to Alice Customer")
        self.assertEqual(self.balance(self.partner_a), -100.0, "the customer is owed 100")

    def test_paid_order_with_fee(self):
        """Paid 100, a 50% fee: 50 back. The invoice is credited whole and the fee invoiced on its own
        (each reversed whole, once, should the cancellation end); the credit note pays the fee invoice."""
        with freeze_time(NOW):
            order, _invoice = self.invoiced_order(NOW + timedelta(hours=40))
            decision = order._booking_decision("cancel")
            self.assertEqual((decision.fee_total, decision.refund), (50.0, 50.0))
            request = self.cancel(order)
        self.assertRecordValues(
            request, [{"fee_amount": 50.0, "refund_amount": 50.0, "fee_invoiced_amount": 50.0}]
        )
        self.assertRecordValues(request.fee_invoice_id, [{"amount_total": 50.0, "amount_residual": 0.0}])
        credit = request.refund_move_id
        self.assertRecordValues(credit, [{"amount_total": 100.0, "amount_residual": 50.0}])
        self.assertEqual(credit.activity_ids.summary, "Return 50.00 to Alice Customer")
        self.assertEqual(self.balance(self.partner_a), -50.0)

    def test_partly_paid_order(self):
        """Paid 30 of 100, a fee of 50: nothing back, the invoice credited, 20 of the fee still owed."""
        with freeze_time(NOW):
            order, _invoice = self.invoiced_order(NOW + timedelta(hours=40), paid=30.0)
            self.assertEqual(order._booking_decision("cancel").refund, 0.0)
            request = self.cancel(order)
        self.assertEqual(request.refund_amount, 0.0)
        self.assertRecordValues(request.refund_move_id, [{"amount_total": 100.0, "amount_residual": 0.0}])
        self.assertRecordValues(request.fee_invoice_id, [{"amount_total": 50.0, "amount_residual": 20.0}])
        self.assertFalse(request.refund_move_id.activity_ids, "nothing to return")
        self.assertEqual(self.balance(self.partner_a), 20.0)

    def test_partly_paid_order_above_the_fee(self):
        """Paid 80 of 100, a fee of 50: 30 back."""
        with freeze_time(NOW):
            order, _invoice = self.invoiced_order(NOW + timedelta(hours=40), paid=80.0)
            request = self.cancel(order)
        self.assertEqual(request.refund_amount, 30.0)
        self.assertEqual(self.balance(self.partner_a), -30.0)

    def test_down_payment(self):
        """A paid down payment of half the order is refunded when cancelled early."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=5), price=100.0)
            wizard = self.env["sale.advance.payment.inv"].with_context(
                active_model="sale.order", active_ids=order.ids
            )
            wizard.create({"advance_payment_method": "percentage", "amount": 50}).create_invoices()
            down = order.invoice_ids
            down.action_post()
            self.pay(down, down.amount_total)
            self.assertEqual(order._booking_decision("cancel").refund, 50.0)
            request = self.cancel(order)
        self.assertRecordValues(
            request.refund_move_id, [{"amount_total": 50.0, "reversed_entry_id": down.id}]
        )
        self.assertEqual(request.refund_amount, 50.0)

    def test_foreign_currency(self):
        """An order in euros, paid in euros: the refund and its credit note in euros."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.9, "name": "2026-01-01", "company_id": self.company.id}
        )
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        with freeze_time(NOW):
            order, invoice = self.invoiced_order(NOW + timedelta(hours=40), pricelist=pricelist)
            self.assertEqual(invoice.currency_id, eur)
            decision = order._booking_decision("cancel")
            self.assertEqual((decision.fee, decision.refund), (50.0, 50.0))
            request = self.cancel(order)
        self.assertEqual(request.currency_id, eur)
        self.assertRecordValues(
            request.refund_move_id, [{"currency_id": eur.id, "amount_total": 100.0, "amount_residual": 50.0}]
        )
        self.assertEqual(request.refund_amount, 50.0)


@tagged("post_install", "-at_install")
class TestUndo(MoneyCase):
    def test_undo_in_time(self):
        """Within 15 minutes: the booking as it was, the fee invoice reversed, workers told it is back on."""
        alarm = self.env["calendar.alarm"].create(
            {"name": "1 h", "alarm_type": "email", "duration": 1, "interval": "hours"}
        )
        with freeze_time(NOW):
            start = NOW + timedelta(hours=40)
            bookings = [self.make_visit(start), self.make_order(start, workers=self.worker_2)]
            bookings[0].alarm_ids = [Command.set(alarm.ids)]
            before = [(b._booking_start(), b._booking_stop()) for b in bookings]
            requests = [self.cancel(booking) for booking in bookings]
            self.assertEqual([r.fee_invoice_id.state for r in requests], ["posted", "posted"])
            self.assertFalse(bookings[0].alarm_ids, "no reminders of a cancelled visit")
        with freeze_time(NOW + timedelta(minutes=14)):
            for request in requests:
                request.with_user(self.customer_a).action_undo()
        for booking, request, times in zip(bookings, requests, before, strict=True):
            self.assertEqual(request.state, "undone")
            self.assertFalse(booking._booking_is_cancelled())
            self.assertEqual((booking._booking_start(), booking._booking_stop()), times)
            self.assertEqual(
                request.fee_invoice_id.payment_state, "reversed", "a credit note cancels the fee invoice"
            )
            worker = booking.booking_worker_ids
            message = self.env["mail.message"].search(
                [
                    ("model", "=", booking._name),
                    ("res_id", "=", booking.id),
                    ("partner_ids", "in", worker.partner_id.ids),
                ],
                limit=1,
            )
            self.assertIn("Back on", message.body)
            self.assertIn("Undone by Alice Customer", message.body)
            email = request.message_ids.filtered(lambda m: "is back on" in (m.subject or ""))
            self.assertEqual(len(email), 1)
        self.assertEqual(bookings[0].alarm_ids, alarm, "its reminders are back")
        self.assertEqual(bookings[0].show_as, "busy")
        self.assertEqual(bookings[1].state, "sale")

    def test_undo_a_paid_order_reverses_its_credit_note(self):
        """Undone: the credit note of a paid order is reversed and accounting's activity closed."""
        with freeze_time(NOW):
            order, _invoice = self.invoiced_order(NOW + timedelta(days=5))
            request = self.cancel(order)
            credit = request.refund_move_id
            request.with_user(self.customer_a).action_undo()
        self.assertEqual(order.state, "sale")
        reversal = self.env["account.move"].search([("reversed_entry_id", "=", credit.id)])
        self.assertRecordValues(
            reversal, [{"move_type": "out_invoice", "state": "posted", "amount_total": 100.0}]
        )
        self.assertEqual(credit.amount_residual, 0.0, "the credit note is settled by its reversal")
        self.assertFalse(credit.activity_ids)
        self.assertEqual(self.balance(self.partner_a), 0.0, "paid in full again")

    def test_draft_fee_invoice_is_cancelled(self):
        """A fee invoice left in draft is cancelled, not reversed."""
        self.company.booking_fee_invoice_post = False
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(hours=40))
            request = self.cancel(visit)
            request.with_user(self.customer_a).action_undo()
        self.assertEqual(request.fee_invoice_id.state, "cancel")

    def test_too_late_twice_taken_or_staffs(self):
        """Too late, twice, the slot taken, or a staff cancellation: refused, nothing changes."""
        with freeze_time(NOW):
            late, taken, twice = (self.make_visit(NOW + timedelta(days=d)) for d in (5, 6, 7))
            requests = [self.cancel(booking) for booking in (late, taken, twice)]
            staff_visit = self.make_visit(NOW + timedelta(days=8))
            staff = staff_visit.with_user(self.reviewer)._booking_staff_cancel(fee_amount=0.0)
            self.make_visit(taken.start, partner=self.partner_b)  # the worker is given that time
            requests[2].with_user(self.customer_a).action_undo()
        with (
            freeze_time(NOW + timedelta(minutes=16)),
            self.assertRaisesRegex(BookingRefusal, "within 15 minutes"),
        ):
            requests[0].with_user(self.customer_a).action_undo()
        with freeze_time(NOW + timedelta(minutes=1)):
            with self.assertRaisesRegex(BookingRefusal, "given to someone else"):
                requests[1].with_user(self.customer_a).action_undo()
            with self.assertRaises(BookingRefusal):
                requests[2].with_user(self.customer_a).action_undo()
            with self.assertRaises(BookingRefusal):
                staff.sudo()._undo()
        self.assertEqual([r.state for r in requests], ["approved", "approved", "undone"])
        self.assertTrue(
            late.booking_cancelled and taken.booking_cancelled and staff_visit._booking_is_cancelled()
        )

    def test_undo_off(self):
        """A company may turn undo off (0 minutes)."""
        self.company.booking_undo_minutes = 0
        with freeze_time(NOW):
            request = self.cancel(self.make_visit(NOW + timedelta(days=5)))
            with self.assertRaisesRegex(BookingRefusal, "cannot be undone online"):
                request.with_user(self.customer_a).action_undo()


@tagged("post_install", "-at_install")
class TestUndoPortal(BookingHttpCase):
    def test_undo_from_the_page_and_the_email(self):
        """The email of a cancellation links to the page's Undo button; a link holder undoes it (POST)."""
        self.company.booking_cancel_auto_approve = "always"
        visit = self.make_visit(self.far)
        link = self.link_params(visit, self.partner_a)
        self.logout()
        self.assertEqual(self.post(self.url(visit, "/cancel"), link).status_code, 303)
        request = visit.booking_request_ids
        email = request.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        self.assertIn("action=undo", email.body)
        page = self.url_open(self.url(visit, self.link_query(visit, self.partner_a) + "&action=undo")).text
        self.assertIn("o_booking_undo_form", page)
        self.assertEqual(self.url_open(f"/my/booking-requests/{request.id}/undo").status_code, 405)
        response = self.post(f"/my/booking-requests/{request.id}/undo", link)
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=undone", response.headers["Location"])
        self.assertEqual(request.state, "undone")
        self.assertFalse(visit.booking_cancelled)
        self.assertEqual(self.post(f"/my/booking-requests/{request.id}/undo", link).status_code, 409)

    def test_undo_refused_to_others(self):
        """Another customer cannot undo it (404, as unknown)."""
        self.company.booking_cancel_auto_approve = "always"
        visit = self.make_visit(self.far)
        request = self.cancel(visit)
        self.login(self.customer_b)
        self.assertEqual(self.post(f"/my/booking-requests/{request.id}/undo").status_code, 404)
        self.assertEqual(request.state, "approved")

    def test_dialog_announces_the_refund(self):
        """A paid order's cancel dialog says what will be refunded before the customer confirms."""
        order = self.make_order(self.far)
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({}).action_create_payments()
        self.login(self.customer_a)
        page = self.url_open(self.url(order)).text
        self.assertIn("You will be refunded", page)
        self.assertIn("40.00", page[page.index("You will be refunded") :][:300])
