from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import NOW, BookingCase


@tagged("post_install", "-at_install")
class TestFees(BookingCase):
    """Late-cancellation fee tiers, currencies and fee invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "booking_cancel_auto_approve": "always",
                "booking_fee_rule_ids": [
                    Command.clear(),
                    Command.create({"hours_before": 72.0, "fee_type": "fixed", "amount": 7.5}),
                    Command.create({"hours_before": 48.0, "fee_type": "percent", "amount": 25.0}),
                    Command.create({"hours_before": 36.0, "fee_type": "percent", "amount": 100.0}),
                ],
            }
        )

    def fee_at(self, hours):
        with freeze_time(NOW):
            return [self.cancel(booking) for booking in self.bookings(NOW + timedelta(hours=hours))]

    def test_each_tier(self):
        """Each tier applies below its threshold: the tightest one wins, none above the widest."""
        for hours, fee in (
            (30, 40.0),
            (36, 10.0),
            (47.9, 10.0),
            (48, 7.5),
            (71.9, 7.5),
            (72, 0.0),
            (200, 0.0),
        ):
            for request in self.fee_at(hours):
                self.assertEqual(request.fee_amount, fee, f"{hours} h of notice")

    def test_fee_invoice_posted(self):
        """The fee becomes a posted customer invoice with the fee product when applied."""
        visit_request, order_request = self.fee_at(40)
        for request in (visit_request, order_request):
            invoice = request.fee_invoice_id
            self.assertRecordValues(
                invoice,
                [
                    {
                        "move_type": "out_invoice",
                        "state": "posted",
                        "partner_id": self.partner_a.id,
                        "amount_untaxed": 10.0,
                    }
                ],
            )
            self.assertEqual(
                invoice.invoice_line_ids.product_id,
                self.env.ref("booking_change_request.product_booking_fee"),
            )
            self.assertIn(request.name, invoice.invoice_origin)

    def test_fee_invoice_of_a_customer_cancellation(self):
        """Cancelled by the customer themselves: the invoice's salesperson is the booking's
        responsible, not the customer who was logged in."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=40)):
                # as the portal does it: the customer's environment, checked, then sudo
                request = self.cancel(booking.with_user(self.customer_a).sudo())
                self.assertEqual(request.fee_invoice_id.state, "posted")
                self.assertEqual(request.fee_invoice_id.invoice_user_id, self.organizer)

    def test_fee_invoice_left_in_draft(self):
        """A company may leave fee invoices in draft for an accountant."""
        self.company.booking_fee_invoice_post = False
        self.company.booking_fee_product_id = self.grooming
        for request in self.fee_at(40):
            self.assertEqual(request.fee_invoice_id.state, "draft")
            self.assertEqual(request.fee_invoice_id.invoice_line_ids.product_id, self.grooming)

    def test_no_fee_no_invoice(self):
        """Without a fee, no invoice."""
        for request in self.fee_at(100):
            self.assertFalse(request.fee_invoice_id)

    def test_pending_fee_invoiced_on_approval(self):
        """A reviewed cancellation keeps the fee computed at submission, invoiced on approval."""
        self.company.booking_cancel_auto_approve = "never"
        requests = self.fee_at(30)
        self.assertFalse(requests[0].fee_invoice_id)
        with freeze_time(NOW + timedelta(hours=10)):
            for request in requests:
                request.with_user(self.reviewer).action_approve()
                self.assertEqual(request.fee_invoice_id.amount_untaxed, 40.0)

    def test_percent_rounded_in_booking_currency(self):
        """A percentage is rounded to the cent of the booking's currency."""
        self.company.booking_fee_rule_ids[1].amount = 33.333
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(hours=40), price=10.0)
            self.assertEqual(self.cancel(order).fee_amount, 3.33)

    def test_fixed_fee_converted_to_order_currency(self):
        """A fixed fee in company currency is converted into the order's currency, then rounded."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.9137, "name": "2026-01-01", "company_id": self.company.id}
        )
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(hours=60), confirm=False)
            order.pricelist_id = pricelist
            order.action_confirm()
            request = self.cancel(order)
        self.assertEqual(request.currency_id, eur)
        self.assertEqual(request.fee_amount, 6.85)  # 7.5 USD * 0.9137 = 6.85275
        self.assertEqual(request.fee_invoice_id.currency_id, eur)

    def test_fee_shown_is_fee_invoiced(self):
        """With a taxed fee product, the dialog's fee, the request's and the invoice's total agree."""
        tax = self.env["account.tax"].create({"name": "VAT 15%", "amount": 15.0, "amount_type": "percent"})
        self.fee_product.taxes_id = [Command.set(tax.ids)]
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=40)):
                decision = booking._booking_decision("cancel")
                self.assertEqual((decision.fee, decision.fee_total), (10.0, 11.5))
                request = self.cancel(booking)
                self.assertEqual(request.fee_invoice_id.amount_total, decision.fee_total)
                self.assertEqual(request.fee_total, 11.5)

    def test_fee_invoice_emailed_with_its_portal_link(self):
        """The customer's email of the cancellation carries the fee invoice's own page, to see and pay it."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=40)):
                request = self.cancel(booking)
                invoice = request.fee_invoice_id
                email = self.emails_to(self.partner_a, request)
                self.assertEqual(len(email), 1)
                self.assertIn(invoice.name, email.body_html)
                self.assertIn(
                    f"/my/invoices/{invoice.id}?access_token={invoice.access_token}", email.body_html
                )
                self.assertIn(f"/my/invoices/{invoice.id}", email.mail_message_id.body)
                self.assertNotIn(invoice.access_token, email.mail_message_id.body, "the token is the email's")
                self.assertTrue(invoice.is_move_sent)
                self.assertIn(
                    request.name, invoice.message_ids[0].body, "the invoice's chatter says it was sent"
                )
