"""A booking's money as one account (DESIGN.md, "Money: one account per booking").

Due: what the customer owes for the booking in its state now: its price while it is
booked, the current cancellation's fee once it is cancelled. Documents: the booking's
customer invoices less its credit notes (its sale flow's, and the engine's fee invoices
and reversals). After every step the engine moves the difference, never more, with Odoo's
own documents, in two strands that never mix, so that every reversal is a whole one:

- the price: what the sale flow invoiced, credited by reversing its invoices on a
  cancellation and owed again by reversing those credit notes on an undo or a book again;
- each cancellation's fee: one fee invoice while it is due, reversed once when it no
  longer is.
"""

from collections import defaultdict

from odoo import models
from odoo.tools import formatLang

from ..tools.compat import group_users

MONEY_ACTIVITY = "booking_change_request.mail_activity_type_booking_money"


class BookingMoney(models.AbstractModel):
    _inherit = "booking.request.mixin"

    def _booking_sale_documents(self):
        """The customer invoices and credit notes of the booking's own sale flow (hook; none for a visit)."""
        return self.env["account.move"]

    # ------------------------------------------------------------------
    # The account: documents and due
    # ------------------------------------------------------------------

    def _booking_money_documents(self):
        """The documents the booking's account counts: the sale flow's and the engine's."""
        moves = self._booking_sale_documents().sudo()
        if self.booking_request_ids:
            engine = [("booking_request_id", "in", self.booking_request_ids.ids)]
            moves |= self.env["account.move"].sudo().search(engine)
        return moves.filtered(lambda m: m._booking_counts())

    def _booking_fee_documents(self, documents):
        """The fee strand among ``documents``: the cancellations' fee invoices and their reversals."""
        invoices = self.sudo().booking_request_ids.fee_invoice_id
        return documents.filtered(lambda m: m in invoices or m.reversed_entry_id in invoices)

    def _booking_price_due(self, documents):
        """The price owed: what the sale flow invoiced less its own credit notes; nothing once cancelled."""
        if self._booking_is_cancelled():
            return 0.0
        return documents.filtered(lambda m: not m.booking_request_id)._booking_signed_total()

    def _booking_fees_due(self):
        """{cancellation: fee owed}: the current cancellation's fee as invoiced, the ended ones' nothing."""
        current = self._booking_last_cancellation() if self._booking_is_cancelled() else None
        cancellations = self.sudo().booking_request_ids.filtered(
            lambda r: r.request_type == "cancel" and r.state in ("approved", "undone")
        )
        return {c: c.fee_total if c == current else 0.0 for c in cancellations}

    def _booking_money_due(self):
        """What the customer owes for the booking in its state now (taxes included)."""
        booking = self.sudo()
        price = booking._booking_price_due(booking._booking_money_documents())
        return booking._booking_currency().round(price + sum(booking._booking_fees_due().values()))

    def _booking_money_balance(self):
        """What the booking's documents say the customer owes: invoices less credit notes."""
        return self._booking_currency().round(self.sudo()._booking_money_documents()._booking_signed_total())

    def _booking_paid(self):
        """What the customer paid net on the booking's documents: payments in, less refunds paid out."""
        posted = self.sudo()._booking_money_documents().filtered(lambda m: m.state == "posted")
        paid = sum(
            (1 if m.move_type == "out_invoice" else -1) * (m.amount_total - m.amount_residual) for m in posted
        )
        return self._booking_currency().round(max(paid, 0.0))

    # ------------------------------------------------------------------
    # Settling: the difference moved after every step
    # ------------------------------------------------------------------

    def _booking_settle(self, step):
        """Bring the documents to what is due after ``step`` (the request just applied or undone)."""
        booking = self.sudo()
        booking._booking_settle_price(step)
        for cancellation, due in booking._booking_fees_due().items():
            cancellation._settle_fee(due, step)
        documents = booking._booking_money_documents()
        booking._booking_reconcile(documents)
        booking._booking_sync_money_activities(documents, step)

    def _booking_settle_price(self, step):
        documents = self._booking_money_documents()
        price = documents - self._booking_fee_documents(documents)
        diff = self._booking_currency().round(
            self._booking_price_due(documents) - price._booking_signed_total()
        )
        if diff < 0:
            credits = step._reverse_documents(price.filtered(lambda m: m.move_type == "out_invoice"), -diff)
            if step.request_type == "cancel":
                step.refund_move_id = credits[:1]
        elif diff > 0:
            # the engine's credit notes only: a credit note the sale flow made stays made
            step._reverse_documents(
                price.filtered(lambda m: m.move_type == "out_refund" and m.booking_request_id), diff
            )

    def _booking_reconcile(self, documents):
        """The booking's open debits and credits settle each other, as Odoo's own reversal does."""
        lines = documents.filtered(lambda m: m.state == "posted").line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        groups = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            groups[line.account_id, line.partner_id, line.currency_id] |= line
        for group in groups.values():
            if len({line.amount_residual > 0 for line in group}) == 2:
                group.reconcile()

    # ------------------------------------------------------------------
    # Money that moved: what accounting returns or collects
    # ------------------------------------------------------------------

    def _booking_money_actions(self, documents=None):
        """{document: ("return" or "collect", amount)}: money already paid that must now go back."""
        booking = self.sudo()
        if documents is None:
            documents = booking._booking_money_documents()
        currency = booking._booking_currency()
        actions = {}
        for move in documents.filtered(lambda m: m.state == "posted" and m.booking_request_id):
            if currency.compare_amounts(move.amount_residual, 0) <= 0:
                continue
            if move.move_type == "out_refund":
                # every open debit of the booking was set against it: what is left was paid
                actions[move] = ("return", move.amount_residual)
            elif move.reversed_entry_id.move_type == "out_refund":
                paid_out = move.reversed_entry_id._booking_paid_by_payments()
                amount = currency.round(min(move.amount_residual, paid_out))
                if amount > 0:
                    actions[move] = ("collect", amount)
        return actions

    def _booking_sync_money_activities(self, documents, step):
        """One activity per document holding money to return or collect, with its amount; stale ones done."""
        actions = self._booking_money_actions(documents)
        activity_type = self.env.ref(MONEY_ACTIVITY)
        for move in documents.filtered("booking_request_id"):
            summary = self._booking_money_summary(move, *actions[move]) if move in actions else None
            current = move.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
            stale = current.filtered(lambda a, summary=summary: a.summary != summary)
            stale.action_feedback(feedback=self.env._("No longer needed after %s.", step.name))
            if summary and not current - stale:
                move.activity_schedule(
                    MONEY_ACTIVITY,
                    summary=summary,
                    note=self.env._(
                        "%(booking)s, after %(request)s (%(type)s).",
                        booking=self.display_name,
                        request=step.name,
                        type=step._type_label().lower(),
                    ),
                    user_id=self._booking_accountant().id,
                )

    def _booking_money_summary(self, move, kind, amount):
        """'Return 50.00 to Bob Brown' or 'Collect 115.00 from Bob Brown'."""
        values = {
            "amount": formatLang(self.env, amount, digits=2),
            "customer": move.partner_id.commercial_partner_id.name,
        }
        if kind == "return":
            return self.env._("Return %(amount)s to %(customer)s", **values)
        return self.env._("Collect %(amount)s from %(customer)s", **values)

    def _booking_accountant(self):
        """Who returns or collects money: the company's accounting contact, else an accounting manager."""
        company = self._booking_company()
        if company.booking_accountant_id:
            return company.booking_accountant_id
        # the group's users: internal and active (so never the superuser)
        managers = group_users(self.env.ref("account.group_account_manager")).filtered(
            lambda u: company in u.company_ids
        )
        return managers[:1] or self._booking_responsible() or self.env.ref("base.user_admin")
