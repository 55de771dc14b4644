"""20 customers at once over HTTP: their cancel or change requests (ours) against Odoo's own portal
POSTs of a comparable write, a quotation signed (`/my/orders/<id>/accept`) and a quotation declined
(`/my/orders/<id>/decline`), at the same concurrency, in the same run.

The flows take turns by rounds (ours, signing, declining, ours, ...): each round is every customer
at once, each posting its share of the flow's requests one after the other (the page's GET
first, for its CSRF token, untimed), so that the flows share the machine's conditions.
"""

import base64
import io
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from .server import free_port
from .settings import log, superuser_env

FLOWS = ("ours", "sign", "decline")
ACCEPTED = {"ours": 303, "sign": 200, "decline": 303}  # the status of a request done


def signature_png():
    """A small signature, as the portal's signing pad sends it (base64 PNG)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 80), "white")
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 55), (290, 15)], fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def our_post(server, session, item, index):
    """A cancel (even ``index``) or change (odd) request of one booking: (status, ms)."""
    kind, booking_id = item
    csrf = server.page_csrf(session, f"/my/bookings/{kind}/{booking_id}", timeout=120)
    if index % 2:
        start = (datetime.now() + timedelta(days=60, hours=index)).strftime("%Y-%m-%dT%H:00")
        data = {"requested_start": start, "requested_duration": "1", "requested_note": "load"}
        path = f"/my/bookings/{kind}/{booking_id}/change"
    else:
        data, path = {"reason": "load"}, f"/my/bookings/{kind}/{booking_id}/cancel"
    t0 = time.perf_counter()
    response = session.post(
        server.url(path), data={**data, "csrf_token": csrf}, allow_redirects=False, timeout=120
    )
    return response.status_code, (time.perf_counter() - t0) * 1000


def sign_post(server, session, order_id, _index, signature):
    """Odoo's signing of a quotation by its customer (JSON, as the signing dialog posts it)."""
    server.page_csrf(session, f"/my/orders/{order_id}", timeout=120)  # the page, as ours: untimed
    t0 = time.perf_counter()
    response = session.post(
        server.url(f"/my/orders/{order_id}/accept"),
        json={"jsonrpc": "2.0", "method": "call", "params": {"name": "Customer", "signature": signature}},
        timeout=120,
    )
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code == 200:
        answer = response.json()
        if "error" in answer or "error" in (answer.get("result") or {}):
            return 422, elapsed  # refused: counted with the 4xx
    return response.status_code, elapsed


def decline_post(server, session, order_id, _index):
    """Odoo's declining of a quotation by its customer (the form's POST, with a message)."""
    csrf = server.page_csrf(session, f"/my/orders/{order_id}", timeout=120)
    t0 = time.perf_counter()
    response = session.post(
        server.url(f"/my/orders/{order_id}/decline"),
        data={"csrf_token": csrf, "decline_message": "load"},
        allow_redirects=False,
        timeout=120,
    )
    return response.status_code, (time.perf_counter() - t0) * 1000


def summary(outcomes, wall, accepted):
    """Figures of one flow over its rounds: [(status, ms)], its wall seconds, the status of success."""
    latencies = sorted(ms for _status, ms in outcomes)
    statuses = [status for status, _ms in outcomes]
    return {
        "requests": len(outcomes),
        "wall": wall,
        "throughput": len(outcomes) / wall,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "errors_5xx": sum(1 for s in statuses if s >= 500),
        "refused_4xx": sum(1 for s in statuses if 400 <= s < 500),
        "accepted": statuses.count(accepted),
    }


def seed(data, customers, per_customer, signings):
    """Each customer's bookings (ours), quotations to sign and to decline, and one more of each
    for the warm-up: ({customer: {flow: [item]}}, {customer: {flow: warm-up item}}, logins)."""
    with data.registry.cursor() as cr:
        env = superuser_env(cr)
        # Odoo's PDF of a signed order fetches its stylesheets from report.url: a closed port, so
        # that its workers never wait on one another (Odoo's signing is then cheaper than live)
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{free_port()}")
        items, warm = {}, {}
        for partner_id in data.bulk_customers[1 : customers + 1]:
            events, orders = data.add_bookings(env, partner_id, per_customer + 2)
            items[partner_id] = {
                "ours": [("visit", e) for e in events.ids] + [("order", o) for o in orders.ids],
                "sign": data.add_quotations(env, partner_id, signings + 1),
                "decline": data.add_quotations(env, partner_id, per_customer + 1),
            }
            warm[partner_id] = {flow: todo.pop() for flow, todo in items[partner_id].items()}
            items[partner_id]["ours"].pop()  # an even number: as many cancellations as changes
        logins = {p.id: p.user_ids.login for p in env["res.partner"].browse(list(items))}
        cr.commit()
    return items, warm, logins


def measure_load(data, server, customers=20, per_customer=20, signings=4, rounds=2):
    """20 customers at once: ``per_customer`` requests each of ours and quotations declined,
    ``signings`` quotations signed each (a PDF rendered per signature), in ``rounds`` rounds,
    after a warm-up of one of each per customer."""
    items, warm, logins = seed(data, customers, per_customer, signings)
    sessions = {partner_id: server.session(login) for partner_id, login in logins.items()}
    signature = signature_png()
    posts = {
        "ours": lambda session, item, index: our_post(server, session, item, index),
        "sign": lambda session, item, index: sign_post(server, session, item, index, signature),
        "decline": lambda session, item, index: decline_post(server, session, item, index),
    }
    outcomes = {flow: [] for flow in FLOWS}
    walls = dict.fromkeys(FLOWS, 0.0)
    lock = threading.Lock()

    def at_once(run):
        """``run(customer)`` for every customer at once: its wall seconds."""
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=customers) as pool:
            list(pool.map(run, list(items)))
        return time.perf_counter() - t0

    # untimed, each flow once per customer at once: every worker has compiled its pages
    for flow in FLOWS:
        at_once(lambda partner_id, flow=flow: posts[flow](sessions[partner_id], warm[partner_id][flow], 0))
    with data.registry.cursor() as cr:
        before = superuser_env(cr)["booking.change.request"].search_count([])
    since = server.log_size()
    for round_ in range(rounds):
        for flow in FLOWS:

            def customer_run(partner_id, flow=flow, round_=round_):
                todo = items[partner_id][flow]
                share = len(todo) // rounds
                for index in range(round_ * share, (round_ + 1) * share):
                    outcome = posts[flow](sessions[partner_id], todo[index], index)
                    with lock:
                        outcomes[flow].append(outcome)

            walls[flow] += at_once(customer_run)
            log(f"  round {round_ + 1}, {flow}: {walls[flow]:.1f} s so far")
    time.sleep(0.5)
    text = server.log_text(since)
    results = {flow: summary(outcomes[flow], walls[flow], ACCEPTED[flow]) for flow in FLOWS}
    with data.registry.cursor() as cr:
        env = superuser_env(cr)
        results["ours"]["created"] = env["booking.change.request"].search_count([]) - before
        quotations = env["sale.order"].browse([q for i in items.values() for q in i["sign"] + i["decline"]])
        results["sign"]["created"] = len(quotations.filtered(lambda q: q.signature and q.state == "sale"))
        results["decline"]["created"] = len(quotations.filtered(lambda q: q.state == "cancel"))
    results["ours"].update(
        # PostgreSQL refusing a transaction that Odoo then retries (5 tries, then a 500)
        serialization_failures=text.count("could not serialize access"),
        worker_lock_failures=len(
            re.findall(r"bad query: b'UPDATE res_users SET write_date = write_date", text)
        ),
    )
    for flow in FLOWS:
        log(f"  load, {flow}: {results[flow]}")
    return results
