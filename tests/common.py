from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from odoo import Command, fields
from odoo.tests import Form, TransactionCase, new_test_user

from ..tools.compat import LINE_TAXES

# Tests freeze time here (naive UTC, as Odoo stores datetimes).
NOW = datetime(2026, 6, 1, 9, 0)


class BookingCase(TransactionCase):
    """Customers, workers, staff, services and a policy, built for each test class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.env.company
        cls.company.write(
            {
                "email": "bookings@example.com",
                "phone": "+1 555 0100",
                "booking_portal_cancel": True,
                "booking_portal_change": True,
                "booking_email_links": True,
                "booking_cancel_reason_required": False,
                "booking_cutoff_hours": 24.0,
                "booking_cancel_auto_approve": "notice",
                "booking_cancel_auto_approve_hours": 48.0,
                "booking_change_auto_approve": "notice",
                "booking_change_auto_approve_hours": 48.0,
                "booking_fee_invoice_post": True,
                "booking_fee_rule_ids": [
                    Command.clear(),
                    Command.create({"hours_before": 48.0, "fee_type": "percent", "amount": 50.0}),
                ],
            }
        )
        cls.walk = cls.env["product.product"].create(
            {"name": "Dog walk", "type": "service", "list_price": 40.0, "sale_ok": True, "taxes_id": False}
        )
        cls.grooming = cls.env["product.product"].create(
            {"name": "Grooming", "type": "service", "list_price": 60.0, "sale_ok": True, "taxes_id": False}
        )
        cls.customer_a = new_test_user(
            cls.env,
            "customer_a",
            groups="base.group_portal",
            name="Alice Customer",
            email="alice@example.com",
        )
        cls.customer_b = new_test_user(
            cls.env, "customer_b", groups="base.group_portal", name="Bob Customer", email="bob@example.com"
        )
        cls.partner_a = cls.customer_a.partner_id
        cls.partner_b = cls.customer_b.partner_id
        (cls.partner_a | cls.partner_b).tz = "Europe/Brussels"
        cls.worker = new_test_user(cls.env, "worker_w", name="Wendy Worker", email="wendy@example.com")
        cls.worker_2 = new_test_user(cls.env, "worker_v", name="Victor Worker", email="victor@example.com")
        cls.organizer = new_test_user(
            cls.env,
            "organizer_o",
            groups="base.group_user,sales_team.group_sale_salesman",
            name="Olga Organizer",
            email="olga@example.com",
        )
        cls.reviewer = new_test_user(
            cls.env,
            "reviewer_r",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,booking_change_request.group_booking_reviewer",
            name="Rita Reviewer",
            email="rita@example.com",
        )
        cls.reason = cls.env.ref("booking_change_request.reason_schedule_conflict")
        # workers work at any hour unless a test gives them hours (tests/test_schedule.py does)
        cls.company.resource_calendar_id = cls.make_hours("Always", 0, 24)
        cls.company.booking_service_product_ids = [Command.set((cls.walk | cls.grooming).ids)]
        cls.fee_product = cls.env.ref("booking_change_request.product_booking_fee")
        cls.fee_product.taxes_id = False

    @classmethod
    def make_hours(cls, name, hour_from, hour_to, days=range(7), tz="Europe/Brussels"):
        """Working hours from ``hour_from`` to ``hour_to`` on ``days`` (0: Monday), in ``tz``."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{name} {day}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                        }
                    )
                    for day in days
                ],
            }
        )

    # ------------------------------------------------------------------
    # Bookings
    # ------------------------------------------------------------------

    @classmethod
    def make_visit(cls, start, partner=None, workers=None, hours=1.0, **values):
        return (
            cls.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Dog walk",
                    "start": start,
                    "stop": start + timedelta(hours=hours),
                    "user_id": cls.organizer.id,
                    "partner_ids": [
                        Command.set((partner or cls.partner_a).ids + cls.organizer.partner_id.ids)
                    ],
                    "booking_product_id": cls.walk.id,
                    "booking_worker_ids": [Command.set((workers or cls.worker).ids)],
                    **values,
                }
            )
        )

    @classmethod
    def make_order(cls, start, partner=None, workers=None, product=None, price=None, confirm=True):
        product = product or cls.walk
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.partner_a).id,
                "user_id": cls.organizer.id,
                "commitment_date": start,
                "booking_duration": 1.0,
                "booking_worker_ids": [Command.set((workers or cls.worker).ids)],
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": product.list_price if price is None else price,
                        }
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def bookings(self, start, **kwargs):
        """One visit and one order at the same start: the engine must treat them alike."""
        return [self.make_visit(start, **kwargs), self.make_order(start, **kwargs)]

    @staticmethod
    def in_hours(hours, now=NOW):
        return now + timedelta(hours=hours)

    def cancel(self, booking, partner=None, channel="portal", **values):
        return booking._booking_request_cancel(partner or self.partner_a, values, channel)

    def change(self, booking, start, hours=1.0, partner=None, channel="portal", **values):
        values = {"requested_start": start, "requested_stop": start + timedelta(hours=hours), **values}
        return booking._booking_request_change(partner or self.partner_a, values, channel)

    def approve_block_at(self, request, start):
        """The reviewer approves a time block request at an exact ``start``, through the wizard."""
        action = (
            request.with_user(self.reviewer)
            .with_context(booking_time_mode="approve")
            .action_open_time_wizard()
        )
        wizard_model = self.env[action["res_model"]].with_user(self.reviewer)
        wizard = Form(wizard_model.with_context(**action["context"]))
        wizard.start_1 = start
        wizard.save().action_confirm()

    @staticmethod
    def now():
        return fields.Datetime.now()

    @staticmethod
    def link_params(booking, partner, action=None):
        """The access_token, pid and hash of the link ``partner`` gets by email."""
        url = booking._booking_portal_url(action, partner)
        return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}

    def emails_to(self, partner, record=None):
        """The emails waiting to be sent to ``partner`` (about ``record``), as they will receive them."""
        domain = [("recipient_ids", "in", partner.ids)]
        if record is not None:
            domain += [("model", "=", record._name), ("res_id", "=", record.id)]
        return self.env["mail.mail"].sudo().search(domain)

    @classmethod
    def make_other_company(cls):
        """A second company with its own reviewer, who must not act on the first one's bookings."""
        company = cls.env["res.company"].create({"name": "Other Company"})
        reviewer = new_test_user(
            cls.env,
            "reviewer_other",
            groups="base.group_user,sales_team.group_sale_salesman,booking_change_request.group_booking_reviewer",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            name="Oscar Other",
        )
        return company, reviewer


class MoneyMixin:
    """Invoices, payments and a booking's account, as accounting sees them (with a BookingCase)."""

    @classmethod
    def invoiced_order(cls, start, price=100.0, paid=None, pricelist=None, taxes=None):
        """A confirmed order, invoiced and posted, with ``paid`` registered (all of it by default)."""
        order = cls.make_order(start, price=price, confirm=False)
        if pricelist:
            order.pricelist_id = pricelist
        if taxes:
            order.order_line[LINE_TAXES] = taxes
        order.action_confirm()
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.action_post()
        amount = invoice.amount_total if paid is None else paid
        if amount:
            cls.pay(invoice, amount)
        return order, invoice

    @classmethod
    def pay(cls, move, amount=None):
        """Odoo's Register Payment: the customer pays an invoice, or accounting pays out a credit note."""
        values = {} if amount is None else {"amount": amount}
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(values).action_create_payments()

    def balance(self, partner):
        """What the customer owes (positive) or is owed (negative) on their receivable account."""
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return round(sum(lines.mapped("balance")), 2)

    def money_activities(self, booking):
        """{document: summary} of the open activities asking accounting to return or collect money."""
        kind = self.env.ref("booking_change_request.mail_activity_type_booking_money")
        documents = booking.sudo()._booking_money_documents()
        activities = documents.activity_ids.filtered(lambda a: a.activity_type_id == kind)
        return {documents.browse(activity.res_id): activity.summary for activity in activities}

    def assertAccountRight(self, booking, due=None):
        """The booking's documents say exactly what is due (``due`` when given), and never less than 0."""
        booking.invalidate_recordset()
        balance, owed = booking._booking_money_balance(), booking._booking_money_due()
        self.assertGreaterEqual(balance, 0.0, "never more credited than invoiced")
        self.assertEqual(balance, owed, "the documents say what is due")
        if due is not None:
            self.assertEqual(owed, due)
