"""A booking's money is one account: every cancel, undo and book again moves only the difference.

The issue's reproductions through the portal's routes, then Odoo's own buttons, hand-made
credit notes, drafts and the reports.
"""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from ..tools.compat import GROUP_IDS
from .common import NOW, BookingCase, MoneyMixin
from .test_portal import BookingHttpCase

CUSTOMER_EMAIL = "booking_change_request.mt_customer_email"


class TaxedMoney(MoneyMixin):
    """A 15% tax on the service and on the fee (a 100.00 order is 115.00, a 10.00 fee 11.50)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create(
            {"name": "Tax 15%", "amount": 15.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.fee_product.taxes_id = [Command.set(cls.tax.ids)]
        cls.accountant = cls.env["res.users"].create(
            {
                "name": "Ada Accountant",
                "login": "ada_accountant",
                GROUP_IDS: [Command.set(cls.env.ref("account.group_account_invoice").ids)],
            }
        )
        cls.company.booking_accountant_id = cls.accountant

    def fee_rules(self, *rules):
        """(hours_before, fixed amount) tiers."""
        self.company.booking_fee_rule_ids = [Command.clear()] + [
            Command.create({"hours_before": hours, "fee_type": "fixed", "amount": amount})
            for hours, amount in rules
        ]

    @classmethod
    def paid_order(cls, start):
        return cls.invoiced_order(start, price=100.0, taxes=cls.tax)

    def customer_email(self, request, subject=None):
        """The newest email the customer receives about ``request``, its links signed for them."""
        emails = self.emails_to(self.partner_a, request)
        if subject:
            emails = emails.filtered(lambda m: subject in (m.subject or ""))
        return emails.sorted("id", reverse=True)[:1].body_html or ""

    @staticmethod
    def text(html):
        """The words of an email or a page, spaces of any kind as one."""
        return re.sub(r"(\s|&nbsp;)+", " ", re.sub(r"<[^>]+>", "", str(html)))

    def assertSays(self, html, pattern):
        self.assertRegex(self.text(html), pattern)


@tagged("post_install", "-at_install")
class TestMoneyPortal(TaxedMoney, BookingHttpCase):
    """The issue's reproductions, as customers make them: POSTs to the portal's routes."""

    def cancel_on_portal(self, booking):
        response = self.post(self.url(booking, "/cancel"), {"reason_id": self.reason.id})
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        return booking._booking_last_cancellation()

    def undo_on_portal(self, request):
        response = self.post(f"/my/booking-requests/{request.id}/undo")
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(request.state, "undone")

    def open_reversal(self, move, move_type):
        """The one reversal of ``move``, of its whole amount, left open: money to move again."""
        reversal = move.reversal_move_ids
        total = move.amount_total
        self.assertRecordValues(
            reversal, [{"move_type": move_type, "amount_total": total, "amount_residual": total}]
        )
        self.assertEqual(move._booking_paid_by_payments(), total, "the payment stays reconciled")
        return reversal

    def test_cancel_book_again_cancel_a_paid_order(self):
        """Paid 115.00, cancelled, booked again, cancelled, booked again, cancelled: each cancellation
        credits what its booking again invoiced, never the paid invoice twice; 115.00 to return, once."""
        order, invoice = self.paid_order(self.far)
        self.login(self.customer_a)
        for round_ in range(3):
            if round_:
                start = self.local_input(self.at(24 * (7 + round_)))
                response = self.post(
                    self.url(order, "/rebook"), {"requested_start": start, "requested_duration": "1"}
                )
                self.assertEqual(response.status_code, 303)
                self.env.invalidate_all()
                self.assertEqual(order.state, "sale")
                self.assertAccountRight(order, due=115.0)
                self.assertFalse(self.money_activities(order), "the refund not paid yet is no longer needed")
            request = self.cancel_on_portal(order)
            self.assertEqual(order.state, "cancel")
            self.assertAccountRight(order, due=0.0)
            self.assertEqual(request.refund_amount, 115.0, f"cancellation {round_ + 1} announces 115.00")
            self.assertRecordValues(
                request.refund_move_id, [{"amount_total": 115.0, "amount_residual": 115.0}]
            )
            self.assertEqual(
                self.money_activities(order), {request.refund_move_id: "Return 115.00 to Alice Customer"}
            )
            self.assertSays(self.customer_email(request), r"\$ ?115\.00 will be returned to you")
        documents = order._booking_money_documents()
        credit_notes = documents.filtered(lambda m: m.move_type == "out_refund").sorted("id")
        self.assertEqual(len(credit_notes), 3)
        self.assertEqual(invoice.reversal_move_ids, credit_notes[:1], "the paid invoice is credited once")
        self.assertEqual(self.balance(self.partner_a), -115.0, "115.00 owed to the customer, not 345.00")
        page = self.text(self.url_open(self.url(order)).text)
        self.assertEqual(len(re.findall(r"refund \$ ?115\.00 \(reversed\)", page)), 2, "booked again twice")

    def test_undo_after_a_paid_fee(self):
        """The fee was paid, then the cancellation undone: the payment stays on the fee invoice, its
        reversal asks accounting to return 11.50, the email says so and the page shows it reversed."""
        self.company.booking_cancel_auto_approve = "always"
        self.fee_rules((24 * 8, 10.0))
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        request = self.cancel_on_portal(visit)
        invoice = request.fee_invoice_id
        self.assertRecordValues(invoice, [{"state": "posted", "amount_total": 11.5}])
        self.pay(invoice)
        self.undo_on_portal(request)
        reversal = self.open_reversal(invoice, "out_refund")
        self.assertEqual(self.money_activities(visit), {reversal: "Return 11.50 to Alice Customer"})
        self.assertEqual(reversal.activity_ids.user_id, self.accountant)
        self.assertRecordValues(request, [{"fee_invoiced_amount": 11.5, "fee_reversed_amount": 11.5}])
        self.assertAccountRight(visit, due=0.0)
        email = self.customer_email(request, "is back on")
        self.assertSays(email, rf"We reversed the fee invoice {re.escape(invoice.name)} \(\$ ?11\.50\)\.")
        self.assertSays(email, r"\$ ?11\.50 will be returned to you")
        self.assertNotIn("credit note", email)
        page = self.url_open(self.url(visit)).text
        self.assertSays(page, r"fee \$ ?11\.50 \(reversed\)")

    def test_undo_after_a_paid_out_refund(self):
        """The refund was paid out in cash, then the cancellation undone: the outbound payment stays on
        the credit note, and the credit note's reversal asks accounting to collect 115.00 again."""
        order, _invoice = self.paid_order(self.far)
        self.login(self.customer_a)
        request = self.cancel_on_portal(order)
        credit = request.refund_move_id
        self.pay(credit)  # accounting returns the money...
        credit.activity_ids.action_feedback(feedback="Paid out in cash")  # ...and says so
        self.undo_on_portal(request)
        self.assertEqual(order.state, "sale")
        again = self.open_reversal(credit, "out_invoice")
        self.assertEqual(self.money_activities(order), {again: "Collect 115.00 from Alice Customer"})
        self.assertAccountRight(order, due=115.0)
        self.assertEqual(self.balance(self.partner_a), 115.0, "the customer owes the order again")
        email = self.customer_email(request, "is back on")
        self.assertSays(email, rf"We reversed the credit note {re.escape(credit.name)} \(\$ ?115\.00\)\.")
        self.assertSays(email, r"we will ask you to pay \$ ?115\.00 again")

    def test_staff_cancel_email_links_its_invoice(self):
        """A reviewer cancels with an edited fee: the email links the fee invoice's own page (which
        opens from the link), and promises no other email."""
        visit = self.make_visit(self.far)
        wizard = Form(
            self.env["booking.cancel.wizard"]
            .with_user(self.reviewer)
            .with_context(active_model=visit._name, active_id=visit.id)
        )
        wizard.fee_amount = 20.0
        wizard.save().action_cancel_booking()
        request = visit._booking_last_cancellation()
        invoice = request.fee_invoice_id
        self.assertRecordValues(invoice, [{"state": "posted", "amount_total": 23.0}])
        email = self.customer_email(request)
        # the link is signed in the email as sent, the chatter keeps it plain
        self.assertIn(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}", email)
        kept = request.message_ids.filtered(lambda m: m.subtype_id == self.env.ref(CUSTOMER_EMAIL))
        self.assertIn(f"/my/invoices/{invoice.id}", kept.body)
        self.assertNotIn("access_token", kept.body)
        self.assertSays(email, rf"See and pay its invoice {re.escape(invoice.name)} online")
        self.assertNotIn("separate email", email)
        self.logout()
        page = self.url_open(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.name, page.text)

    def test_staff_cancel_with_words_of_their_own(self):
        """Staff who rewrote the email send their words; the booking's page, linked below, has the invoice."""
        visit = self.make_visit(self.far)
        wizard = Form(
            self.env["booking.cancel.wizard"]
            .with_user(self.reviewer)
            .with_context(active_model=visit._name, active_id=visit.id)
        )
        wizard.fee_amount = 20.0
        wizard.body = "<p>A storm is coming: we cancel, sorry.</p>"
        wizard.save().action_cancel_booking()
        request = visit._booking_last_cancellation()
        email = self.customer_email(request)
        self.assertIn("A storm is coming", email)
        self.logout()
        page = self.url_open(self.url(visit, self.link_query(visit, self.partner_a))).text
        self.assertIn(f"/my/invoices/{request.fee_invoice_id.id}", page)
        self.assertIn("o_booking_fee_invoice", page)


@tagged("post_install", "-at_install")
class TestMoneyAccount(TaxedMoney, BookingCase):
    """Odoo's own buttons, sequences that once went wrong, hand-made documents, drafts, reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.booking_cancel_auto_approve = "always"

    def test_odoo_cancel_button_then_set_to_quotation(self):
        """Odoo's Cancel button on a paid order credits it; Set to Quotation and Confirm owe it again."""
        with freeze_time(NOW):
            order, _invoice = self.paid_order(NOW + timedelta(days=5))
            order.with_context(disable_cancel_warning=True).action_cancel()
            request = order._booking_last_cancellation()
            self.assertEqual(request.channel, "backend")
            self.assertEqual(request.refund_amount, 115.0)
            self.assertAccountRight(order, due=0.0)
            self.assertEqual(
                self.money_activities(order), {request.refund_move_id: "Return 115.00 to Alice Customer"}
            )
            order.action_draft()
            order.action_confirm()
        self.assertAccountRight(order, due=115.0)
        self.assertFalse(self.money_activities(order))
        self.assertEqual(self.balance(self.partner_a), 0.0)

    def test_book_again_after_a_fee_then_cancel_in_time(self):
        """Paid 115.00; cancelled late (fee 11.50), booked again, cancelled early: the earlier fee is
        not charged again, 115.00 goes back."""
        self.fee_rules((48.0, 10.0))
        with freeze_time(NOW):
            order, _invoice = self.paid_order(NOW + timedelta(hours=40))
            first = self.cancel(order)
            self.assertAccountRight(order, due=11.5)
            self.assertEqual(
                self.money_activities(order), {first.refund_move_id: "Return 103.50 to Alice Customer"}
            )
            start = NOW + timedelta(days=6)
            values = {"requested_start": start, "requested_stop": start + timedelta(hours=1)}
            order._booking_request_rebook(self.partner_a, values, "portal")
            self.assertAccountRight(order, due=115.0)
            self.assertEqual(first.fee_reversed_amount, 11.5)
            second = self.cancel(order)
        self.assertEqual(second.fee_amount, 0.0)
        self.assertAccountRight(order, due=0.0)
        self.assertEqual(self.balance(self.partner_a), -115.0)
        self.assertEqual(
            self.money_activities(order), {second.refund_move_id: "Return 115.00 to Alice Customer"}
        )

    def test_each_fee_invoiced_once_reversed_once(self):
        """A visit cancelled late, undone, cancelled late again: two fee invoices, the first reversed once."""
        self.fee_rules((48.0, 10.0))
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(hours=40))
            first = self.cancel(visit)
        with freeze_time(NOW + timedelta(minutes=5)):
            first.with_user(self.customer_a).action_undo()
            second = self.cancel(visit)
        self.assertAccountRight(visit, due=11.5)
        self.assertNotEqual(first.fee_invoice_id, second.fee_invoice_id)
        self.assertEqual(len(first.fee_invoice_id.reversal_move_ids), 1)
        self.assertFalse(second.fee_invoice_id.reversal_move_ids)

    def test_a_credit_note_made_by_hand_is_not_credited_again(self):
        """Accounting credited 23.00 of the 115.00 by hand: a cancellation credits the 92.00 left."""
        with freeze_time(NOW):
            order, invoice = self.paid_order(NOW + timedelta(days=5))
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "reason": "Goodwill"})
            )
            by_hand = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
            by_hand.invoice_line_ids.price_unit = 20.0
            by_hand.action_post()
            self.assertAccountRight(order, due=92.0)
            request = self.cancel(order)
        self.assertAccountRight(order, due=0.0)
        self.assertEqual(request.refund_move_id.amount_total, 92.0)
        self.assertEqual(self.balance(self.partner_a), -115.0)

    def test_documents_left_in_draft(self):
        """Posting off: the engine's drafts count, are never made twice, are cancelled on undo."""
        self.company.booking_fee_invoice_post = False
        self.fee_rules((48.0, 10.0))
        with freeze_time(NOW):
            order, _invoice = self.paid_order(NOW + timedelta(hours=40))
            request = self.cancel(order)
            self.assertEqual((request.refund_move_id.state, request.fee_invoice_id.state), ("draft", "draft"))
            self.assertAccountRight(order, due=11.5)
            request._settle_money()
            self.assertEqual(len(order._booking_money_documents()), 3, "nothing made twice")
            request.with_user(self.customer_a).action_undo()
        self.assertEqual((request.refund_move_id.state, request.fee_invoice_id.state), ("cancel", "cancel"))
        self.assertAccountRight(order, due=115.0)

    def test_report_by_month_and_reason(self):
        """The pivot's measures: fees invoiced, fees reversed and refunds, by month of decision and reason."""
        self.fee_rules((48.0, 10.0))
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(hours=40))
            request = self.cancel(visit, reason_id=self.reason.id)
            request.with_user(self.customer_a).action_undo()
            order, _invoice = self.paid_order(NOW + timedelta(days=5))
            requests = request | self.cancel(order, reason_id=self.reason.id)
        groups = self.env["booking.change.request"].read_group(
            [("id", "in", requests.ids)],
            ["fee_invoiced_amount:sum", "fee_reversed_amount:sum", "refund_amount:sum"],
            ["decided_on:month", "reason_id"],
            lazy=False,
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(
            [groups[0][f] for f in ("fee_invoiced_amount", "fee_reversed_amount", "refund_amount")],
            [11.5, 11.5, 115.0],
        )
