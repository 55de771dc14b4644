from datetime import datetime, timedelta

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import waitlist
from ..tools.refusal import BookingRefusal
from .booking_request_mixin import REVIEWER_GROUP


class BookingWaitlistBooking(models.AbstractModel):
    """A booking's side of the move-up list: its customers ask to come earlier; staff offer its time.

    Each kind declares ``booking_waitlist_ids`` (the wish's field naming it is the request's).
    """

    _inherit = "booking.request.mixin"

    booking_waitlist_freed = fields.Boolean(
        string="Freed a time",
        compute="_compute_booking_waitlist_freed",
        groups=REVIEWER_GROUP,
        help="A cancellation or a move of this booking freed a time still ahead, which can be offered.",
    )

    def _compute_booking_waitlist_freed(self):
        for booking in self:
            booking.booking_waitlist_freed = bool(booking.sudo()._booking_waitlist_freeing_request())

    def _booking_open_domain(self):
        """Domain of the bookings of this kind still open to a change (moving up)."""
        return ["!", *self._booking_cancelled_domain()]

    def action_booking_offer_to_list(self):
        """Staff offer the time this booking freed to the customers waiting for an earlier one."""
        self.ensure_one()
        self._booking_check_reviewer()
        booking = self.sudo()
        request = booking._booking_waitlist_freeing_request()
        if not request:
            raise UserError(self.env._("This booking freed no time that is still ahead."))
        offers = booking._booking_waitlist_offer_again(request)
        if offers:
            message = self.env._("Offered to %s waiting customers.", len(offers))
        else:
            message = self.env._("Nobody waiting fits this time now (or they were offered it already).")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success" if offers else "warning", "sticky": False},
        }

    def _booking_waitlist_freeing_request(self):
        """The last approved cancellation or move of this booking, if it freed a time still ahead."""
        requests = self.booking_request_ids.filtered(
            lambda r: r.state == "approved" and r.request_type in ("cancel", "change") and r.previous_start
        ).sorted(lambda r: (r.decided_on or r.create_date, r.id))
        last = requests[-1:]
        if not last:
            return last
        earliest = fields.Datetime.now() + timedelta(hours=self._booking_company().booking_cutoff_hours)
        current = None if last.request_type == "cancel" else (last.requested_start, last.requested_stop)
        freed = waitlist.freed_times((last.previous_start, last.previous_stop), current, earliest)
        return last if freed and (last.request_type == "cancel" or last.requested_start) else last.browse()

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------

    def _booking_waitlist_join(self, partner, date_from, date_to, channel):
        """Put ``partner`` on this booking's move-up list for [date_from, date_to) (naive UTC);
        asked again, the days change (the wish keeps its place). Returns the wish."""
        self.ensure_one()
        self._booking_check_requester(partner, channel)
        if not partner or not self._booking_may_ask(partner):
            raise BookingRefusal(self.env._("Only a customer of this booking can ask to come earlier."), 403)
        booking = self.sudo()
        booking._booking_lock()
        refusal = booking._booking_waitlist_refusal()
        if refusal:
            raise BookingRefusal(refusal)
        days = booking._booking_waitlist_check_days(date_from, date_to)
        wish = booking._booking_waitlist_own(partner)
        if wish and (wish.date_from, wish.date_to) == (days["date_from"], days["date_to"]):
            return wish  # asked twice: nothing new to confirm
        if wish:
            wish.write(days)
        else:
            wish = (
                self.env["booking.waitlist"]
                .sudo()
                .with_context(mail_create_nosubscribe=True)
                .create(
                    {
                        **days,
                        "partner_id": partner.id,
                        "company_id": booking._booking_company().id,
                        booking._booking_request_field: booking.id,
                    }
                )
            )
        wish._notify_customer("booking_change_request.mail_template_waitlist_joined")
        return wish

    def _booking_waitlist_check_days(self, date_from, date_to):
        if not all(isinstance(value, datetime) for value in (date_from, date_to)):
            raise UserError(self.env._("Please give the first and the last day as dates."))
        latest = min(date_to, self._booking_start())
        earliest = max(date_from, fields.Datetime.now())
        if latest <= earliest:
            raise ValidationError(self.env._("Please choose days before your booking, from today on."))
        return {"date_from": date_from, "date_to": latest}

    def _booking_waitlist_refusal(self):
        """Why this booking cannot wait for an earlier time now, in words; None when it can."""
        company = self._booking_company()
        if not company.booking_waitlist:
            return self.env._(
                "Moving to an earlier time is not offered online. Please contact %s.",
                self._booking_contact_text(),
            )
        if self._booking_is_cancelled():
            return self.env._("This booking is cancelled.")
        start = self._booking_start()
        if not self._booking_is_open() or not start or start <= fields.Datetime.now():
            return self.env._("This booking has started or is closed.")
        if not self.booking_worker_ids:
            return self.env._("An earlier time can be offered once someone is assigned to this booking.")
        if self._booking_notice() < company.booking_cutoff_hours:
            return self._booking_cutoff_message()
        return None

    def _booking_waitlist_own(self, partner):
        """``partner``'s waiting wish on this booking (their own only: co-customers each have theirs)."""
        if not partner:
            return self.env["booking.waitlist"]
        return self.sudo().booking_waitlist_ids.filtered(
            lambda w: w.state == "waiting" and self._booking_is_own(w, partner)
        )[:1]

    def _booking_waitlist_mark(self, viewer):
        """'offer' (an earlier time is offered to ``viewer``), 'waiting', or None: the list's mark."""
        wish = self._booking_waitlist_own(viewer)
        if not wish:
            return None
        now = fields.Datetime.now()
        return "offer" if any(offer._is_open(now) for offer in wish.offer_ids) else "waiting"

    def _booking_prefetch_list(self):
        result = super()._booking_prefetch_list()
        if "booking_waitlist_ids" in self._fields:
            wishes = self.booking_waitlist_ids
            wishes.fetch(["state", "partner_id"])
            wishes.offer_ids.fetch(["state", "expires_on"])
        return result

    def _booking_waitlist_email_url(self):
        """The plain link to ask for an earlier time, for the confirmation emails (signed when sent)."""
        booking = self.sudo()
        if not booking or booking._booking_waitlist_refusal():
            return False
        return booking.get_base_url() + booking._booking_page_path() + "#booking_waitlist"
