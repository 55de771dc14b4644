from datetime import datetime

from markupsafe import Markup

from odoo import models


class BookingChangeRequestMail(models.Model):
    """What the customer's emails, the booking's history and the workers read of a request."""

    _inherit = "booking.change.request"

    def _format_customer_datetime(self, value):
        """A date and time as the customer reads it (for the email templates)."""
        self.ensure_one()
        if not isinstance(value, datetime):
            return ""
        return self.sudo()._booking()._booking_format_datetime(value, partner=self.partner_id)

    def _booking_link_recipients(self):
        booking = self.sudo()._booking()
        return self.partner_id.filtered(booking._booking_may_ask) if booking else self.partner_id.browse()

    def _booking_signed_paths(self, partner):
        request = self.sudo()
        paths = request._booking()._booking_signed_paths(partner)
        # the cancellation's invoice and credit note: their own pages, with Odoo's own token
        for move in request.fee_invoice_id | request.refund_move_id:
            if move.partner_id.commercial_partner_id == partner.commercial_partner_id:
                paths[move.access_url] = {"access_token": move._portal_ensure_token()}
        return paths

    def _booking_access_button(self, partner):
        booking = self.sudo()._booking()
        return {
            "url": booking.get_base_url() + booking._booking_page_path(),
            "title": self.env._("View your booking"),
        }

    def _notify_decision(self, customer_message=None):
        """``customer_message``: False when the customer is not emailed (or is by the caller)."""
        booking = self._booking()
        if customer_message is not False:
            staff = self.channel == "backend"
            if self.request_type == "cancel" and staff:
                template = "booking_change_request.mail_template_booking_cancelled_by_staff"
            elif staff:
                template = "booking_change_request.mail_template_booking_changed_by_staff"
            else:
                template = "booking_change_request.mail_template_request_approved"
            self._notify_customer(template)
        booking._booking_log(self._history_line(), author=self._actor_partner())
        booking._booking_tell_workers(self._worker_message(), author=self._actor_partner())

    def _notify_customer(self, template_xmlid):
        """Email the customer from an editable template (kept in the chatter).

        Links to the booking's page are plain here: the customer's email gets them signed
        when it is rendered (see booking.signed.mail), and so does its main button.
        """
        request = self.sudo()
        partner = request.partner_id
        if not partner.email or partner == request.company_id.partner_id:
            return
        template = self.env.ref(template_xmlid).sudo()
        booking = request._booking()
        invoice = request.fee_invoice_id
        if invoice and invoice.state == "posted" and not invoice.is_move_sent:
            # the fee invoice goes with this email, with its own page to see and pay it
            invoice.is_move_sent = True
            invoice._message_log(body=self.env._("Sent to the customer with %s.", request.name))
        add_context = {
            "booking_url": booking.get_base_url() + booking._booking_page_path(),
            "invoice_url": invoice and invoice.get_base_url() + invoice.access_url,
            # the Undo button is for the customer's own cancellation approved at once
            "undo_deadline": request.state == "approved"
            and request.auto_approved
            and request._undo_deadline(),
            # what the email may promise: the booking's offer to this customer now
            "offer": booking._booking_offer(partner, refund=False, undo=False),
            **request._money_email_values(),
        }
        # rendered once, in the customer's language (the composer would render it twice)
        subject = template._render_field("subject", request.ids, compute_lang=True)[request.id]
        body = template._render_field(
            "body_html",
            request.ids,
            compute_lang=True,
            add_context=add_context,
            options={"post_process": True},
        )[request.id]
        request._post_customer_email(subject, body, template)

    def _decider_text(self):
        """Who decided, in words: the customer, a rule or a staff member."""
        if self.channel == "backend":
            return self.env._("Done by %s (staff).", (self.decided_by_id or self.env.user).name)
        if self.state == "undone":
            return self.env._("Undone by %s, the customer.", self.partner_id.name)
        if self.auto_approved:
            return self.env._("Asked by %s; approved automatically by the rules.", self.partner_id.name)
        return self.env._(
            "Asked by %(customer)s; approved by %(reviewer)s.",
            customer=self.partner_id.name,
            reviewer=self.decided_by_id.name or self.env._("our team"),
        )

    def _history_line(self):
        """One line for the booking's chatter."""
        text = self.env._(
            "%(name)s: %(type)s by %(customer)s, %(state)s.",
            name=self.name,
            type=self._type_label(),
            customer=self.partner_id.name if self.channel != "backend" else self.env._("staff"),
            state=self._state_label().lower(),
        )
        if self.state in ("approved", "undone"):
            text = f"{text} {self._what_changed_text()}"
        return Markup("<p>%s</p>") % text

    def _what_changed_text(self):
        """What the decision did to the booking, old → new, in the booking's time zone."""
        booking = self._booking()
        tz = booking._booking_tz()

        def when(start, stop):
            return booking._booking_format_datetime(start, tz=tz) + (
                f" ({self._hours(start, stop)})" if start and stop else ""
            )

        if self.state == "undone":
            return self.env._("Back on: %s.", when(self.previous_start, self.previous_stop))
        if self.request_type == "cancel":
            return self.env._(
                "Cancelled; it was booked for %s.", when(self.previous_start, self.previous_stop)
            )
        if self.request_type == "rebook":
            return self.env._("Back on: %s.", when(self.requested_start, self.requested_stop))
        parts = []
        if self.requested_start and self.requested_start != self.previous_start:
            parts.append(
                self.env._(
                    "time %(old)s → %(new)s",
                    old=booking._booking_format_datetime(self.previous_start, tz=tz),
                    new=booking._booking_format_datetime(self.requested_start, tz=tz),
                )
            )
        old_hours, new_hours = (
            self._hours(self.previous_start, self.previous_stop),
            self._hours(self.requested_start, self.requested_stop),
        )
        if self.requested_start and old_hours != new_hours:
            parts.append(self.env._("duration %(old)s → %(new)s", old=old_hours, new=new_hours))
        if self.requested_product_id and self.requested_product_id != self.previous_product_id:
            parts.append(
                self.env._(
                    "service %(old)s → %(new)s",
                    old=self.previous_product_id.name or "—",
                    new=self.requested_product_id.name,
                )
            )
        if self.requested_note:
            parts.append(self.env._("customer's note: “%s”", self.requested_note))
        return self.env._("Changed: %s.", "; ".join(parts) or self.env._("nothing"))

    def _hours(self, start, stop):
        if not (start and stop):
            return ""
        hours = (stop - start).total_seconds() / 3600.0
        return self.env._("%s h", f"{hours:g}")

    def _worker_message(self):
        """What workers read: what changed, on which booking, and who decided."""
        booking = self._booking()
        return Markup("<p>%s</p><p>%s</p><p>%s</p>") % (
            booking.display_name,
            self._what_changed_text(),
            self._decider_text(),
        )
