from odoo import Command, fields, models

from .booking_request_mixin import REVIEWER_GROUP


class BookingChangeRequest(models.Model):
    """A request's money: its step settles the booking's account; a cancellation's fee invoice."""

    _inherit = "booking.change.request"

    fee_invoiced_amount = fields.Monetary(
        string="Fees invoiced",
        currency_field="currency_id",
        readonly=True,
        groups=REVIEWER_GROUP,
        help="The total of this cancellation's fee invoice, taxes included.",
    )
    fee_reversed_amount = fields.Monetary(
        string="Fees reversed",
        currency_field="currency_id",
        readonly=True,
        groups=REVIEWER_GROUP,
        help="The fee invoice reversed (or cancelled in draft): its cancellation was undone or booked again.",
    )
    booking_move_ids = fields.Many2many(
        "account.move",
        string="The booking's documents",
        compute="_compute_booking_money",
        groups=REVIEWER_GROUP,
        help="Its order's invoices and credit notes, fee invoices and their reversals.",
    )
    booking_money_due = fields.Monetary(
        string="Due now",
        currency_field="currency_id",
        compute="_compute_booking_money",
        groups=REVIEWER_GROUP,
        help="What the customer owes for the booking in its state now: its price, or its cancellation's fee.",
    )
    booking_money_balance = fields.Monetary(
        string="Invoiced, less credit notes",
        currency_field="currency_id",
        compute="_compute_booking_money",
        groups=REVIEWER_GROUP,
        help="What the booking's documents say the customer owes; the engine keeps it equal to what is due.",
    )

    def _compute_booking_money(self):
        for request in self:
            booking = request.sudo()._booking()
            if not booking:
                request.booking_move_ids = request.booking_money_due = request.booking_money_balance = False
                continue
            request.booking_move_ids = booking._booking_money_documents()
            request.booking_money_due = booking._booking_money_due()
            request.booking_money_balance = booking._booking_money_balance()

    def _settle_money(self):
        """After this request's step, the booking's documents are brought to what it owes."""
        self.ensure_one()
        self._booking()._booking_settle(self)

    def _settle_fee(self, due, step):
        """This cancellation's fee: invoiced once while it is due, reversed once when it no longer is."""
        invoice = self.fee_invoice_id
        if due and not invoice:
            self._create_fee_invoice()
        elif not due and invoice and invoice._booking_counts() and invoice._booking_unreversed() > 0:
            step._reverse_documents(invoice, invoice.amount_total)
            self.fee_reversed_amount = invoice.amount_total

    def _create_fee_invoice(self):
        """The late-cancellation fee invoice, posted when the company says so."""
        self.ensure_one()
        company = self.company_id
        booking = self._booking()
        partner = booking._booking_invoice_partner() if self.channel == "backend" else self.partner_id
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    # the booking's responsible, not whoever is logged in (the customer, often)
                    "invoice_user_id": self.user_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_origin": f"{booking.display_name} ({self.name})",
                    "booking_request_id": self.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": booking._booking_fee_product().id,
                                "quantity": 1,
                                "price_unit": self.fee_amount,
                                "tax_ids": [Command.set(booking._booking_fee_taxes(partner).ids)],
                                "name": self.env._("Late cancellation fee: %s", booking.display_name),
                            }
                        )
                    ],
                }
            )
        )
        if company.booking_fee_invoice_post:
            invoice.action_post()
        self.write({"fee_invoice_id": invoice.id, "fee_invoiced_amount": invoice.amount_total})
        return invoice

    def _reverse_documents(self, moves, amount):
        """Reverse ``moves``, newest first, until ``amount`` is moved; returns the reversals made.

        Whole documents, with Odoo's own reversal (the engine's drafts are cancelled instead).
        What a reversal must not move (a part credited by hand already, or more than
        ``amount``) stays on it, on a line of its own.
        """
        currency = self.currency_id
        reversals = self.env["account.move"]
        left = currency.round(amount)
        for move in moves.sorted("id", reverse=True):
            take = min(move._booking_unreversed(), left)
            if left <= 0:
                break
            if take <= 0:
                continue
            left = currency.round(left - take)
            if move.state == "draft":
                move.button_cancel()
                continue
            reversal = move._reverse_moves([self._reversal_values(move)])
            kept = currency.round(move.amount_total - take)
            if kept > 0:
                reversal.write({"invoice_line_ids": [Command.create(self._kept_line_values(reversal, kept))]})
            reversals |= reversal
        if self.company_id.booking_fee_invoice_post:
            reversals.action_post()
        return reversals

    def _reversal_values(self, move):
        return {
            "ref": self.env._("%(request)s: reversal of %(move)s", request=self.name, move=move.name),
            "invoice_date": fields.Date.context_today(self),
            "invoice_user_id": self.user_id.id,
            "booking_request_id": self.id,
        }

    def _kept_line_values(self, reversal, amount):
        return {
            "name": self.env._("Not credited again by %s", self.name),
            "quantity": 1,
            "price_unit": -amount,
            "account_id": reversal.invoice_line_ids[:1].account_id.id,
            "tax_ids": [Command.clear()],
        }

    def _fee_invoice_portal_url(self):
        """The fee invoice's own portal page, with its token when it has one (a page never makes one)."""
        invoice = self.sudo().fee_invoice_id
        token = invoice.access_token
        return f"{invoice.access_url}?access_token={token}" if token else invoice.access_url

    # ------------------------------------------------------------------
    # What the customer's emails say of the money
    # ------------------------------------------------------------------

    def _money_email_values(self):
        """The money words of the customer's emails: what was reversed, what goes back, what is owed again."""
        request = self.sudo()
        booking = request._booking()
        totals = {"return": 0.0, "collect": 0.0}
        for kind, amount in booking._booking_money_actions().values():
            totals[kind] += amount
        money = booking._booking_format_money
        return {
            "money_reversed": request._money_reversed_text(),
            "money_return": totals["return"] and money(totals["return"]),
            "money_collect": totals["collect"] and money(totals["collect"]),
        }

    def _money_ended_cancellation(self):
        """The cancellation this request ended: itself once undone, or the one a book again ended."""
        if self.request_type == "cancel":
            return self if self.state == "undone" else self.browse()
        if self.request_type != "rebook":
            return self.browse()
        return (
            self._booking()
            .booking_request_ids.filtered(
                lambda r: r.request_type == "cancel" and r.state == "approved" and r.id < self.id
            )
            .sorted("id")[-1:]
        )

    def _money_reversed_text(self):
        """'the fee invoice INV/2026/00003 ($ 11.50), the credit note RINV/2026/00001 ($ 115.00)', or ''."""
        cancellation = self._money_ended_cancellation()
        if not cancellation:
            return ""
        made = cancellation.fee_invoice_id | self.env["account.move"].search(
            [("booking_request_id", "=", cancellation.id), ("move_type", "=", "out_refund")]
        )
        money = self._booking()._booking_format_money
        texts = []
        for move in made.sorted("id"):
            if move.state == "cancel":
                texts.append(self.env._("the draft fee invoice (%s)", money(move.amount_total)))
            elif not move.reversal_move_ids.filtered(lambda m: m._booking_counts()):
                continue
            elif move == cancellation.fee_invoice_id:
                texts.append(
                    self.env._(
                        "the fee invoice %(name)s (%(amount)s)",
                        name=move.name,
                        amount=money(move.amount_total),
                    )
                )
            else:
                texts.append(
                    self.env._(
                        "the credit note %(name)s (%(amount)s)",
                        name=move.name,
                        amount=money(move.amount_total),
                    )
                )
        return ", ".join(texts)
