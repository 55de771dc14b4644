"""The portal's pages timed by the client: the list and the calendar against Odoo's `/my/orders`,
and the free times, logged in and through an email link."""

import requests

from .seed import booking_count
from .settings import log, superuser_env


def measure_pages(data, server, size, results):
    """The list and the calendar of the same customer, interleaved with Odoo's /my/orders."""
    for count, ours, theirs in ((20, 0, 2), (200, 1, 3)):
        calendar, shown = data.calendar_paths[count]
        customer = server.session(data.logins[ours])
        (list_ms, list_q), (orders_ms, orders_q), (cal_ms, cal_q) = server.time_pages(
            (customer, "/my/bookings"),
            (server.session(data.logins[theirs]), "/my/orders"),
            (customer, calendar),
        )
        results.setdefault("pages", []).append((size, count, list_ms, list_q, orders_ms, orders_q))
        results.setdefault("calendar", []).append(
            (size, count, shown, cal_ms, cal_q, orders_ms, orders_q, calendar)
        )
        log(
            f"  {size} bookings, customer with {count}: /my/bookings {list_ms:.1f} ms {list_q} q, "
            f"calendar ({shown} in the month) {cal_ms:.1f} ms {cal_q} q, "
            f"/my/orders {orders_ms:.1f} ms {orders_q} q"
        )


def measure_slots(data, server, size, results):
    """Free times of a booking with three workers, logged in and through an email link."""
    path = data.slot_path
    customer = server.session(data.slot_login)
    answer = customer.get(server.url(path), timeout=60).json()
    assert answer.get("slots"), answer
    with data.registry.cursor() as cr:
        env = superuser_env(cr)
        domain = [("booking_worker_ids", "in", data.slot_workers)]
        theirs = env["calendar.event"].search_count(domain) + env["sale.order"].search_count(domain)
        low, high = data.slot_bounds
        that_day = env["calendar.event"].search_count(
            [*domain, ("start", "<", high), ("stop", ">", low)]
        ) + env["sale.order"].search_count(
            [*domain, ("commitment_date", "<", high), ("booking_stop", ">", low)]
        )
        total = booking_count(env)
    (ms, queries), (link_ms, link_queries) = server.time_pages(
        (customer, path), (requests.Session(), f"{path}&{data.slot_link}")
    )
    row = {
        "size": size,
        "total": total,
        "workers_bookings": theirs,
        "that_day": that_day,
        "slots": len(answer["slots"]),
        "ms": ms,
        "queries": queries,
        "link_ms": link_ms,
        "link_queries": link_queries,
    }
    results.setdefault("slots", []).append(row)
    log(f"  free times: {row}")
