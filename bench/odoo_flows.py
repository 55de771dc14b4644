"""Odoo's own buttons, called as the web client calls them: ``rpc(model, method, args, kwargs=None)``
is one JSON-RPC call (over HTTP, or in process for the profile)."""

from odoo import Command


def bare_cancel(rpc, order_id):
    """`action_cancel` alone: no wizard, no email."""
    rpc("sale.order", "action_cancel", [[order_id]], {"context": {"disable_cancel_warning": True}})


def cancel_button(rpc, order_id):
    """The Cancel button: `action_cancel`, then (18.0) its wizard, which emails the customer."""
    action = rpc("sale.order", "action_cancel", [[order_id]])
    if isinstance(action, dict):  # 18.0: its wizard (19.0 has none)
        wizard_id = rpc(
            "sale.order.cancel", "create", [{"order_id": order_id}], {"context": action["context"]}
        )
        rpc("sale.order.cancel", "action_send_mail_and_cancel", [wizard_id])


def invoice(rpc, partner_id, product_id, price):
    """Odoo's own one-line customer invoice, created and posted as the invoice form does it."""
    line = {"product_id": product_id, "quantity": 1, "price_unit": price}
    values = {
        "move_type": "out_invoice",
        "partner_id": partner_id,
        "invoice_line_ids": [Command.create(line)],
    }
    move_id = rpc("account.move", "create", [values])
    rpc("account.move", "action_post", [[move_id]])
    return move_id
