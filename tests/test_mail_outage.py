import socket

from odoo.tests import tagged

from ..tools.compat import process_email_queue, sending_mail_in_tests
from .smtp_sink import SmtpSink
from .test_portal import BookingHttpCase


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@tagged("post_install", "-at_install")
class TestMailOutage(BookingHttpCase):
    """The mail server is down while requests come in: nothing is lost."""

    def test_requests_stored_and_emails_sent_when_server_is_back(self):
        """Requests are stored, their emails wait, and go out once the server answers again."""
        port = free_port()  # nothing listens there yet: the server is down
        # a configured outgoing mail setup: a domain for sender and bounce addresses, one server
        self.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "example.com", "bounce_alias": "bounce", "default_from": "notifications"}
        )
        self.env["ir.mail_server"].search([]).active = False
        self.env["ir.mail_server"].create(
            {"name": "Loopback", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none"}
        )
        bookings = [self.make_visit(self.near), self.make_order(self.near), self.make_visit(self.far)]
        self.login(self.customer_a)
        for booking in bookings:
            self.assertEqual(self.post(self.url(booking, "/cancel"), {"reason": "outage"}).status_code, 303)
        self.env.invalidate_all()  # the HTTP requests wrote through the same transaction
        requests = self.env["booking.change.request"].search([("reason", "=", "outage")])
        self.assertEqual(len(requests), 3, "every request is stored")
        customer_notifications = self.env["mail.notification"].search(
            [("mail_message_id", "in", requests.message_ids.ids), ("res_partner_id", "=", self.partner_a.id)]
        )
        mails = customer_notifications.mail_mail_id
        self.assertEqual(len(mails), 3, "one email to the customer per request")
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "they wait in the queue")

        # Odoo tests never reach a mail server: let these mails really go to the loopback one.
        with sending_mail_in_tests():
            mails.send()
            self.assertEqual(set(mails.mapped("state")), {"exception"}, "refused: the server is down")
            with SmtpSink(port) as sink:
                self.env["mail.mail"]._cron_booking_requeue_unsent()
                self.assertEqual(set(mails.mapped("state")), {"outgoing"})
                process_email_queue(mails)
        unsent = mails.exists().filtered(lambda m: m.state != "sent")
        self.assertFalse(unsent, unsent.mapped(lambda m: (m.state, m.failure_reason)))
        self.assertEqual(len(sink.messages), 3)
        self.assertEqual({rcpt for m in sink.messages for rcpt in m["to"]}, {"alice@example.com"})
        self.assertEqual(set(customer_notifications.mapped("notification_status")), {"sent"})
