from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import policy
from ..tools.compat import cron_progress, expression
from ..tools.refusal import BookingRefusal
from .booking_request_mixin import REVIEWER_GROUP

REVIEW_ACTIVITY = "booking_change_request.mail_activity_type_booking_review"


class BookingChangeRequestDecide(models.Model):
    """A request's life: approved, denied, withdrawn, other times proposed and accepted, expired."""

    _inherit = "booking.change.request"

    def action_approve(self):
        """Approve and apply the requests (reviewers of their company only)."""
        self._check_reviewer()
        self._lock_pending()
        self._check_still_possible()
        self._check_workers_free()
        self._approve(decided_by=self.env.user)
        return True

    def _check_workers_free(self):
        """A new time the workers are now busy at is approved only when the reviewer confirmed it."""
        if self.env.context.get("booking_conflicts_ok"):
            return
        for request in self.sudo().filtered(
            lambda r: r.request_type in ("change", "rebook") and r.requested_start
        ):
            booking = request._booking()
            booking._booking_lock_workers()
            if any(booking._booking_worker_conflicts(request.requested_start, request.requested_stop)):
                raise BookingRefusal(
                    self.env._(
                        "The people assigned to %(booking)s are now busy at the time asked for in %(name)s: "
                        "open it to see the conflicts and approve anyway.",
                        booking=booking.display_name,
                        name=request.name,
                    )
                )

    def action_deny(self, note=None, notify=True):
        """Deny the requests, telling the customer ``note`` (reviewers only).

        ``notify``: False when the caller emails the customer itself (the deny wizard posts
        the email the reviewer edited).
        """
        self._check_reviewer()
        self._check_deny_arguments(note, notify)
        self._lock_pending()
        requests = self.sudo()
        requests.write(
            {
                "state": "denied",
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
                "decision_note": note,
            }
        )
        requests.proposal_ids.unlink()
        requests._end_review(self.env._("Denied"))
        for request in requests._one_by_one():
            if notify:
                request._notify_customer("booking_change_request.mail_template_request_denied")
            request._booking()._booking_log(request._history_line(), author=request._actor_partner())
        return True

    def action_withdraw(self):
        """The customer takes their pending request back (or a reviewer, on their behalf)."""
        if not self.env.su and not self.env.user.has_group(REVIEWER_GROUP):
            user = self.env.user
            if not user.share or any(r.partner_id != user.partner_id for r in self):
                raise AccessError(self.env._("You can only withdraw your own requests."))
        elif not self.env.su:
            self._check_reviewer()
        self._lock_pending()
        requests = self.sudo()
        requests.write({"state": "withdrawn", "decided_on": fields.Datetime.now()})
        requests.proposal_ids.unlink()
        requests._end_review(self.env._("Withdrawn by the customer"))
        for request in requests._one_by_one():
            request._booking()._booking_log(request._history_line(), author=request._actor_partner())
        requests.env.flush_all()  # as superuser: see _booking_request
        return True

    def action_propose(self, times):
        """Answer pending changes with other times (one to three ``(start, stop)`` UTC pairs).

        The request stays pending with its proposals; the customer gets one link per time
        and accepts one on the booking's page.
        """
        self._check_reviewer()
        self._lock_pending()
        times = self._check_proposed_times(times)
        for request in self.sudo()._one_by_one():
            if request.request_type not in ("change", "rebook"):
                raise ValidationError(
                    self.env._("Other times can be proposed for a change or a booking again.")
                )
            request.proposal_ids.unlink()
            request.write(
                {"proposal_ids": [Command.create({"start": start, "stop": stop}) for start, stop in times]}
            )
            request._notify_customer("booking_change_request.mail_template_request_proposal")
            request._booking()._booking_log(
                Markup("<p>%s</p>")
                % self.env._("%(name)s: %(count)s other times proposed.", name=request.name, count=len(times))
            )
        return True

    def _check_deny_arguments(self, note, notify):
        if note is not None and note is not False and not isinstance(note, str):
            raise UserError(self.env._("The note to the customer must be text."))
        if not isinstance(notify, bool):
            raise UserError(self.env._("Whether to email the customer is true or false."))

    def _check_proposed_times(self, times):
        try:
            times = [
                (fields.Datetime.to_datetime(start), fields.Datetime.to_datetime(stop))
                for start, stop in times
                if start
            ]
        except (TypeError, ValueError):
            raise UserError(
                self.env._(
                    "Propose times as (start, end) pairs of dates and times, such as 2026-06-01 10:00:00."
                )
            ) from None
        if not 1 <= len(times) <= 3:
            raise ValidationError(self.env._("Propose one to three times."))
        now = fields.Datetime.now()
        for start, stop in times:
            if not stop or stop <= start:
                raise ValidationError(self.env._("A proposed time ends after it starts."))
            if start <= now:
                raise ValidationError(self.env._("A proposed time must be in the future."))
            if not policy.duration_ok((stop - start).total_seconds() / 3600.0):
                raise ValidationError(self.env._("A booking lasts from 15 minutes to 14 days."))
        return times

    def _accept_proposal(self, proposal):
        """The customer takes a time staff proposed: approved at that time and applied."""
        self.ensure_one()
        self._lock_pending()
        request = self.sudo()
        if proposal not in request.proposal_ids:
            raise BookingRefusal(self.env._("This time was not proposed for this request."), 404)
        booking = request._booking()
        booking._booking_lock_workers()
        if proposal.start <= fields.Datetime.now():
            raise BookingRefusal(self.env._("This time has passed: please ask for another one."))
        if any(booking._booking_worker_conflicts(proposal.start, proposal.stop)):
            raise BookingRefusal(self.env._("This time is no longer free: please ask for another one."))
        request.write({"requested_start": proposal.start, "requested_stop": proposal.stop})
        request._approve(decided_by=proposal.create_uid)
        return request

    def _approve_at(self, start, stop):
        """Approve a time-block request at the exact time the reviewer picked within the block."""
        self.ensure_one()
        self._check_reviewer()
        self._lock_pending()
        self._check_still_possible()
        request = self.sudo()
        if request.requested_start and not request.requested_start <= start < request.requested_stop:
            raise ValidationError(self.env._("Please pick a time within the block the customer asked for."))
        if not stop or stop <= start:
            raise ValidationError(self.env._("The new end must come after the new start."))
        request.write({"requested_start": start, "requested_stop": stop})
        request._approve(decided_by=self.env.user)
        return True

    def action_open_time_wizard(self):
        """Approve a time block at an exact time, or propose other times: the reviewer picks times."""
        self._check_reviewer()
        self.ensure_one()
        mode = self.env.context.get("booking_time_mode", "approve")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve at a time")
            if mode == "approve"
            else self.env._("Propose other times"),
            "res_model": "booking.time.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id, "default_mode": mode},
        }

    def action_open_deny_wizard(self):
        self._check_reviewer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Deny request"),
            "res_model": "booking.deny.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_ids": [Command.set(self.ids)]},
        }

    def action_open_booking(self):
        return self._booking().get_formview_action()

    def _check_reviewer(self):
        if self.env.su:
            return
        if not self.env.user.has_group(REVIEWER_GROUP) or not set(self.company_id) <= set(
            self.env.user.company_ids
        ):
            raise AccessError(self.env._("Only booking request reviewers can approve or deny requests."))

    def _lock_rows(self):
        """Lock the requests' rows: a racing decision waits for this one, then sees its outcome."""
        if self:
            self.env.cr.execute(
                SQL("SELECT id FROM booking_change_request WHERE id IN %s FOR UPDATE", tuple(self.ids))
            )
            self.invalidate_recordset()

    def _lock_pending(self):
        """Lock the rows; a racing decision waits, then fails instead of deciding twice."""
        if not self:
            return
        self._lock_rows()
        decided = self.filtered(lambda r: r.state != "pending")
        if decided:
            raise BookingRefusal(
                self.env._(
                    "%(names)s was already decided (%(state)s).",
                    names=", ".join(decided.mapped("name")),
                    state=decided[0]._state_label(),
                )
            )

    def _check_still_possible(self):
        """A decision on a booking that is no longer open (or no longer cancelled) is refused."""
        for request in self.sudo():
            booking = request._booking()
            if request.request_type == "rebook":
                possible = booking._booking_is_cancelled()
            else:
                possible = booking._booking_is_open()
            if not possible:
                raise BookingRefusal(
                    self.env._(
                        "%(name)s cannot be approved: %(booking)s is no longer open to it.",
                        name=request.name,
                        booking=booking.display_name,
                    )
                )

    def _approve(self, auto=False, apply=True, decided_by=None, customer_message=None):
        """Apply the requests to their bookings, then tell everyone.

        ``customer_message``: None for the standard email, False for none, or the
        (subject, body) a staff member wrote.
        """
        now = fields.Datetime.now()
        for request in self.sudo()._one_by_one():
            booking = request._booking().with_context(booking_applying=request)
            if apply:
                getattr(booking, f"_booking_apply_{request.request_type}")(request)
            request.write(
                {
                    "state": "approved",
                    "auto_approved": auto,
                    "decided_by_id": decided_by.id if decided_by else False,
                    "decided_on": now,
                }
            )
            request.proposal_ids.unlink()
            request._end_review(self.env._("Approved"))
            request._settle_money()
            request._notify_decision(customer_message)
            # the time it freed goes to the customers waiting for an earlier one (the move-up list)
            booking._booking_time_freed(request.previous_start, request.previous_stop, request)

    def _expire(self, note):
        """End pending requests made moot (the booking started, or staff acted on it)."""
        requests = self.sudo().filtered(lambda r: r.state == "pending")
        requests.write({"state": "expired", "decided_on": fields.Datetime.now(), "decision_note": note})
        requests.proposal_ids.unlink()
        requests._end_review(note)
        for request in requests._one_by_one():
            request.message_post(body=note, message_type="notification", subtype_xmlid="mail.mt_note")

    def _start_review(self):
        """A pending request: a review activity for the booking's responsible, an email to the customer."""
        for request in self.sudo()._one_by_one():
            reviewer = request.user_id or self.env.ref("base.user_admin")
            request.activity_schedule(
                REVIEW_ACTIVITY,
                user_id=reviewer.id,
                summary=self.env._(
                    "Review %(type)s of %(booking)s", type=request._type_label(), booking=request.booking_name
                ),
            )
            request._notify_customer("booking_change_request.mail_template_request_received")
            request._booking()._booking_log(request._history_line(), author=request._actor_partner())

    def _end_review(self, feedback):
        self.activity_feedback([REVIEW_ACTIVITY], feedback=feedback)

    @api.model
    def _cron_expire(self, batch_size=500):
        """Expire pending requests whose booking has started."""
        now = fields.Datetime.now()
        started = [
            [(f"{name}.{self.env[self._fields[name].comodel_name]._booking_start_field}", "<=", now)]
            for name in self._booking_field_names()
        ]
        domain = expression.AND([[("state", "=", "pending")], expression.OR(started)])
        requests = self.search(domain, limit=batch_size)
        requests._expire(self.env._("Expired: the booking started before a decision."))
        remaining = self.search_count(domain) if len(requests) == batch_size else 0
        cron_progress(self.env, done=len(requests), remaining=remaining)
        return requests
