"""The move-up list: a freed time matched against the customers waiting for one, in process."""

import statistics
import time
from datetime import datetime, timedelta

from .seed import next_weekday, to_utc
from .settings import SIZES, log, superuser_env


def measure_waitlist(data, sizes=(100, 1000), runs=15, warmup=3):
    """A visit of field worker 0 cancelled at 10,000 bookings, its time matched against 100, then
    1,000 customers waiting (visits and orders of the same worker, later, with fitting days): the
    matching and its offers (at most 3, each emailed) in process, median of ``runs``:
    [(waiting, ms, queries, offers)]."""
    data.grow_to(max(SIZES))
    with data.registry.cursor() as cr:
        env = superuser_env(cr)
        visit, request = freed_visit(data, env)
        rows = []
        for count in sizes:
            add_wishes(data, env, visit, count)
            cr.commit()
            rows.append((count, *match_ms(env, visit, request, runs, warmup)))
            log(
                f"  matching against {count:,} wishes: {rows[-1][1]:.1f} ms, {rows[-1][2]} queries, "
                f"{rows[-1][3]} offers"
            )
        env["booking.waitlist"].search([]).write({"state": "withdrawn"})
        cr.commit()
    return rows


def freed_visit(data, env):
    """A visit of field worker 0 on a weekday at 9:00 three days ahead (before any background
    booking), cancelled by its customer with the move-up list off: its time not offered yet."""
    day = next_weekday(datetime.now(data.calendar_tz).date() + timedelta(days=3))
    visit = data.add_visit(
        env, data.customers[-1], to_utc(day, 9, data.calendar_tz), 1, data.slot_workers[:1]
    )
    env.company.booking_waitlist = False
    request = visit._booking_request_cancel(env["res.partner"].browse(data.customers[-1]), {}, "portal")
    env.company.booking_waitlist = True
    assert request.state == "approved" and visit.booking_cancelled
    return visit, request


def add_wishes(data, env, visit, total):
    """Wishes up to ``total``, on the worker's later bookings of both kinds, oldest bookings first."""
    have = env["booking.waitlist"].search([("state", "=", "waiting")])
    taken = {(w.event_id.id, w.order_id.id) for w in have}
    worker = data.slot_workers[:1]
    now = datetime.now()
    values = []
    for kind, field in (("calendar.event", "event_id"), ("sale.order", "order_id")):
        Kind = env[kind]
        start = Kind._booking_start_field
        domain = [
            ("booking_worker_ids", "in", worker),
            (start, ">", visit.stop),
            *Kind._booking_open_domain(),
        ]
        for booking in Kind.search(domain, order=f"{start}, id", limit=total):
            key = (booking.id, False) if field == "event_id" else (False, booking.id)
            if key not in taken:
                values.append(
                    {
                        "partner_id": booking._booking_customers()[:1].id,
                        field: booking.id,
                        "date_from": now,
                        "date_to": booking._booking_start(),
                        "company_id": env.company.id,
                    }
                )
    values = values[: total - len(have)]
    env["booking.waitlist"].create(values)


def match_ms(env, visit, request, runs, warmup):
    """(median ms, queries, offers) of matching the cancelled visit's time, each run rolled back."""
    times, queries, offers = [], set(), set()
    for index in range(warmup + runs):
        savepoint = env.cr.savepoint()
        before = env.cr.sql_log_count
        t0 = time.perf_counter()
        made = visit._booking_time_freed(request.previous_start, request.previous_stop, request)
        env.flush_all()
        elapsed = (time.perf_counter() - t0) * 1000
        count = env.cr.sql_log_count - before
        offers.add(len(made))
        savepoint.close(rollback=True)
        env.invalidate_all()
        if index >= warmup:
            times.append(elapsed)
            queries.add(count)
    return statistics.median(times), sorted(queries), sorted(offers)
