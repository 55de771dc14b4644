"""One cancellation end to end: ours (a customer's POST) against Odoo's own Cancel button.

Each flow cancels its own confirmed one-line orders: ``warmup`` untimed runs (one per worker),
then ``runs`` timed runs, the flows taking turns so that they share the server's conditions.
"""

import re
import statistics
import time
from collections import defaultdict
from functools import partial

from . import odoo_flows
from .settings import log, superuser_env


def our_cancellation(server, customer, order_id):
    """A customer's cancellation POST (the page's GET for its CSRF token untimed), in ms."""
    csrf = server.page_csrf(customer, f"/my/bookings/order/{order_id}")
    t0 = time.perf_counter()
    response = customer.post(
        server.url(f"/my/bookings/order/{order_id}/cancel"),
        data={"csrf_token": csrf, "reason": "bench"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 303, response.status_code
    return (time.perf_counter() - t0) * 1000


def timed(flow, *args):
    t0 = time.perf_counter()
    flow(*args)
    return (time.perf_counter() - t0) * 1000


def measure_cancellation(data, server, runs=15, warmup=4):
    """Ours: a customer's auto-approved cancellation over HTTP, with and without a fee invoice.
    Odoo's: an administrator's cancellation of a comparable order over JSON-RPC, bare
    (action_cancel without its wizard) and as the Cancel button does it (wizard, email),
    on a booked order (the addon follows it: its hook records the cancellation and tells
    the worker) and on a plain order (no delivery date: Odoo alone); and the floor of a
    cancellation with a fee: the Cancel button on a plain order plus Odoo's own one-line
    customer invoice, created and posted."""
    count = warmup + runs
    with data.cancellation_fees() as fee:
        with data.registry.cursor() as cr:
            env = superuser_env(cr)
            fee_orders = data.fee_orders(env, count)
            booked = [data.free_orders(env, count) for _b in range(3)]
            plain = [data.plain_orders(env, count) for _b in range(2)]
        customer = server.session(data.logins[0])
        admin = server.session("admin", "admin")
        floor_invoices = []

        def rpc(tag):
            return partial(server.rpc, admin, tag=tag)

        def floor(order_id, tag):
            """The floor of a cancellation with a fee: Odoo's Cancel button, then Odoo's own invoice."""
            cancel = timed(odoo_flows.cancel_button, rpc(tag), order_id)
            t0 = time.perf_counter()
            floor_invoices.append(odoo_flows.invoice(rpc(tag), *fee))
            made = (time.perf_counter() - t0) * 1000
            return cancel + made, {"cancel": cancel, "invoice": made}

        flows = {
            "ours_fee": (lambda order_id, tag: our_cancellation(server, customer, order_id), fee_orders),
            "ours_no_fee": (lambda order_id, tag: our_cancellation(server, customer, order_id), booked[0]),
            "odoo_bare": (lambda order_id, tag: timed(odoo_flows.bare_cancel, rpc(tag), order_id), booked[1]),
            "odoo_wizard": (
                lambda order_id, tag: timed(odoo_flows.cancel_button, rpc(tag), order_id),
                booked[2],
            ),
            "odoo_wizard_plain": (
                lambda order_id, tag: timed(odoo_flows.cancel_button, rpc(tag), order_id),
                plain[0],
            ),
            "floor": (floor, plain[1]),
        }
        times = {name: [] for name in flows}
        parts = defaultdict(list)
        since = server.log_size()
        for index in range(count):
            for name, (flow, orders) in flows.items():
                elapsed = flow(orders[index], f"{name}-{index}")
                if isinstance(elapsed, tuple):
                    elapsed, split = elapsed
                    if index >= warmup:
                        for part, value in split.items():
                            parts[f"{name}_{part}"].append(value)
                if index >= warmup:
                    times[name].append(elapsed)
        time.sleep(0.5)
        results = {name: statistics.median(values) for name, values in times.items()}
        results.update({name: statistics.median(values) for name, values in parts.items()})
        results["server"] = server_side(server, since, flows, warmup)
        with data.registry.cursor() as cr:
            env = superuser_env(cr)
            requests_ = env["booking.change.request"].search([("order_id", "in", fee_orders)])
            assert len(requests_.fee_invoice_id) == count, len(requests_.fee_invoice_id)
            assert set(requests_.fee_invoice_id.mapped("state")) == {"posted"}
            no_fee = env["booking.change.request"].search([("order_id", "in", booked[0])])
            assert not no_fee.fee_invoice_id and set(no_fee.mapped("state")) == {"approved"}
            cancelled = env["sale.order"].browse(fee_orders + [i for batch in booked + plain for i in batch])
            assert set(cancelled.mapped("state")) == {"cancel"}
            assert set(env["account.move"].browse(floor_invoices).mapped("state")) == {"posted"}
    log(f"  cancellation: { {k: v for k, v in results.items() if k != 'server'} }")
    log(f"  server side (queries, sql ms, python ms): {results['server']}")
    return results


def server_side(server, since, flows, warmup):
    """Median per flow of the queries, SQL ms and other ms Odoo logged for its timed runs."""
    by_order = {
        order_id: (name, index)
        for name in ("ours_fee", "ours_no_fee")
        for index, order_id in enumerate(flows[name][1])
    }
    per_run = defaultdict(lambda: [0, 0.0, 0.0])
    for method, path, _status, queries, sql, other in server.log_lines(since):
        key = None
        if method == "POST" and (m := re.fullmatch(r"/my/bookings/order/(\d+)/cancel", path)):
            key = by_order.get(int(m[1]))
        elif m := re.search(r"[?&]bench=(\w+)-(\d+)$", path):
            key = (m[1], int(m[2]))
        if key and key[1] >= warmup:
            run = per_run[key]
            run[0] += queries
            run[1] += sql * 1000
            run[2] += other * 1000
    summary = {}
    for name in flows:
        runs = [value for (flow, _index), value in per_run.items() if flow == name]
        if runs:
            summary[name] = tuple(round(statistics.median(r[i] for r in runs), 1) for i in range(3))
    return summary
