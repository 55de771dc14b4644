"""The benchmark's data: customers, the measured customers' bookings, the background grown to each size."""

import contextlib
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytz

from odoo import Command

from .settings import CUSTOMERS, SLOT_DAY_AHEAD, TZ, group_ids_field, log, superuser_env


def grid_period(day):
    """[first, last) days of the month grid of /my/bookings/calendar: whole weeks, Monday first."""
    month_first = day.replace(day=1)
    next_month = (month_first + timedelta(days=32)).replace(day=1)
    first = month_first - timedelta(days=month_first.weekday())
    last = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
    return first, last


def to_utc(day, hour, zone):
    """Naive UTC of ``hour`` (float) on ``day`` in ``zone``."""
    local = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)
    return zone.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def next_weekday(day):
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def booking_count(env):
    return env["calendar.event"].search_count([]) + env["sale.order"].search_count([])


class Data:
    """The records every part measures; ``setup`` makes them, ``grow_to`` adds the background."""

    def __init__(self, registry):
        self.registry = registry
        self.counter = 0
        self.round_robin = 0

    def setup(self):
        with self.registry.cursor() as cr:
            env = superuser_env(cr)
            company = env.company
            company.write(
                {
                    "booking_cutoff_hours": 24,
                    "booking_cancel_auto_approve": "notice",
                    "booking_cancel_auto_approve_hours": 48,
                    "booking_change_auto_approve": "never",
                }
            )
            self.product = (
                env["product.product"]
                .create({"name": "Dog walk", "type": "service", "list_price": 40, "taxes_id": False})
                .id
            )
            self.worker = env["res.users"].create({"name": "Bench worker", "login": "bench_worker"}).id
            # Three field workers (internal users) with working hours: the free times' booking has them
            # all; the background bookings are theirs, on every day but the measured one.
            calendar = company.resource_calendar_id
            self.calendar_tz = pytz.timezone(calendar.tz or "UTC")
            slot_workers = env["res.users"].create(
                [{"name": f"Field worker {i}", "login": f"field_worker{i}", "tz": TZ} for i in range(3)]
            )
            env["resource.resource"].create(
                [
                    {"name": u.name, "user_id": u.id, "calendar_id": calendar.id, "tz": calendar.tz or "UTC"}
                    for u in slot_workers
                ]
            )
            self.slot_workers = slot_workers.ids
            self.worker_partner = {
                user.id: user.partner_id.id
                for user in env["res.users"].browse([self.worker, *self.slot_workers])
            }
            portal = env.ref("base.group_portal")
            users = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    [
                        {
                            "name": f"Customer {i:03d}",
                            "login": f"customer{i:03d}",
                            "email": f"customer{i:03d}@example.com",
                            "tz": TZ,
                            group_ids_field(): [Command.set(portal.ids)],
                            # only those who log in get one: hashing a password is slow on purpose
                            **({"password": f"customer{i:03d}"} if i < 25 else {}),
                        }
                        for i in range(CUSTOMERS)
                    ]
                )
            )
            self.customers = users.partner_id.ids
            self.logins = users.mapped("login")
            # The customers measured: 20 and 200 bookings; 20 and 200 orders for /my/orders.
            self.c20, self.c200, self.o20, self.o200 = self.customers[:4]
            self.bulk_customers = self.customers[4:25]  # the bulk approval and the load
            self.background = self.customers[25:]
            self.add_bookings(env, self.c20, 20)
            self.add_bookings(env, self.c200, 200)
            self.add_bookings(env, self.o20, 20, kinds=("order",))
            self.add_bookings(env, self.o200, 200, kinds=("order",))
            self.setup_slots(env, portal)
            self.calendar_paths = {
                count: self.calendar_path(env, partner)
                for count, partner in ((20, self.c20), (200, self.c200))
            }
            env.cr.commit()
            self.own = booking_count(env)

    def setup_slots(self, env, portal):
        """The free times' booking (3 workers), its customer, and the measured day's other bookings."""
        zone = self.calendar_tz
        day = next_weekday(datetime.now(pytz.timezone(TZ)).date() + timedelta(days=SLOT_DAY_AHEAD))
        self.slot_day = day
        self.slot_bounds = (
            to_utc(day, 0, pytz.timezone(TZ)),
            to_utc(day + timedelta(days=1), 0, pytz.timezone(TZ)),
        )
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Customer slots",
                    "login": "customer_slots",
                    "password": "customer_slots",
                    "email": "customer_slots@example.com",
                    "tz": TZ,
                    group_ids_field(): [Command.set(portal.ids)],
                }
            )
        )
        self.slot_login = user.login
        a, b, c = self.slot_workers
        other = self.customers[-1]
        # that day: one booking of each worker (a visit, an order, a visit of 1.5 h) and one of nobody's
        self.add_visit(env, other, to_utc(day, 9, zone), 1, [a])
        self.add_order(env, other, to_utc(day, 11, zone), [b])
        self.add_visit(env, other, to_utc(day, 14, zone), 1.5, [c])
        self.add_visit(env, other, to_utc(day, 10, zone), 1, [self.worker])
        # the booking whose free times are asked for: a week later, all three workers
        visit = self.add_visit(
            env, user.partner_id.id, to_utc(day + timedelta(days=7), 10, zone), 1, self.slot_workers
        )
        self.slot_visit = visit.id
        self.slot_path = f"/my/bookings/visit/{visit.id}/slots?date={day.isoformat()}&duration=1"
        # an email link to it (token, pid, hash), as a customer who does not log in uses it
        self.slot_link = urlsplit(visit._booking_portal_url(None, user.partner_id)).query

    def visit_values(self, partner_id, start, hours, workers):
        return {
            "name": "Dog walk",
            "start": start,
            "stop": start + timedelta(hours=hours),
            # the workers attend: as the engine would invite them, without a write per visit
            "partner_ids": [Command.set([partner_id, *(self.worker_partner[w] for w in workers)])],
            "booking_product_id": self.product,
            "booking_worker_ids": [Command.set(workers)],
        }

    def order_values(self, partner_id, start, workers, **extra):
        return {
            "partner_id": partner_id,
            **({"commitment_date": start} if start else {}),
            "booking_worker_ids": [Command.set(workers)],
            "order_line": [Command.create({"product_id": self.product, "product_uom_qty": 1})],
            **extra,
        }

    def add_visit(self, env, partner_id, start, hours, workers):
        return env["calendar.event"].create(self.visit_values(partner_id, start, hours, workers))

    def add_order(self, env, partner_id, start, workers):
        order = env["sale.order"].create(self.order_values(partner_id, start, workers))
        order.action_confirm()
        return order

    def calendar_path(self, env, partner_id):
        """The month of the customer's calendar that shows most of their bookings, and how many it shows."""
        zone = pytz.timezone(TZ)
        starts = env["calendar.event"].search([("partner_ids", "in", [partner_id])]).mapped("start")
        starts += (
            env["sale.order"]
            .search([("partner_id", "=", partner_id), ("state", "in", ("sale", "cancel"))])
            .mapped("commitment_date")
        )
        days = [pytz.utc.localize(s).astimezone(zone).date() for s in starts if s]
        best = None
        for month in sorted({d.replace(day=1) for d in days}):
            first, last = grid_period(month)
            shown = sum(first <= d < last for d in days)
            if not best or shown > best[1]:
                best = (month.replace(day=15), shown)
        return f"/my/bookings/calendar?date={best[0].isoformat()}&mode=month", best[1]

    def next_start(self, first_day=5, spread_hours=5000):
        self.counter += 1
        base = datetime.now().replace(minute=0, second=0, microsecond=0)
        return base + timedelta(days=first_day, hours=self.counter % spread_hours)

    def background_workers(self, start):
        """One of the three field workers, on every day but the measured one (kept to its own bookings)."""
        low, high = self.slot_bounds
        if start < high and start + timedelta(hours=2) > low:
            return []
        self.round_robin += 1
        return [self.slot_workers[self.round_robin % len(self.slot_workers)]]

    def add_bookings(
        self,
        env,
        partner_id,
        count,
        kinds=("visit", "order"),
        worker=True,
        first_day=None,
        workers=None,
        dated=True,
    ):
        """Visits and orders for one customer, in batches (from `first_day` on, within 10 days).

        ``workers``: a function of the start giving the workers' ids (default: the bench worker,
        or nobody without ``worker``); ``dated``: orders with a delivery date (a booking).
        """
        visits, orders = [], []
        for index in range(count):
            start = self.next_start() if first_day is None else self.next_start(first_day, 240)
            assigned = workers(start) if workers else ([self.worker] if worker else [])
            if kinds[index % len(kinds)] == "visit":
                visits.append(self.visit_values(partner_id, start, 1, assigned))
            else:
                orders.append(self.order_values(partner_id, start if dated else None, assigned))
        events = env["calendar.event"].create(visits) if visits else env["calendar.event"]
        sales = env["sale.order"].create(orders) if orders else env["sale.order"]
        sales.action_confirm()
        env.cr.commit()
        return events, sales

    def add_orders(self, env, count, **options):
        """``count`` confirmed one-line orders of the customer with 20 bookings (ids)."""
        return self.add_bookings(env, self.c20, count, kinds=("order",), **options)[1].ids

    def add_quotations(self, env, partner_id, count):
        """``count`` quotations sent to a customer, waiting for their signature (Odoo's own portal flow)."""
        values = [self.order_values(partner_id, None, [], require_signature=True) for _q in range(count)]
        quotations = env["sale.order"].create(values)
        # as sending them does: the customer follows them (Odoo's portal rule), they are "sent"
        quotations.message_subscribe(partner_ids=[partner_id])
        quotations.write({"state": "sent"})
        env.cr.commit()
        return quotations.ids

    def grow_to(self, size):
        with self.registry.cursor() as cr:
            env = superuser_env(cr)
            missing = size - (booking_count(env) - self.own)  # the measured customers' are on top
            log(f"growing the background to {size} bookings (+{missing})")
            t0 = time.perf_counter()
            for batch in range(0, max(missing, 0), 500):
                chunk = min(500, missing - batch)
                per_customer = {}
                for index in range(chunk):
                    partner = self.background[(batch + index) % len(self.background)]
                    per_customer[partner] = per_customer.get(partner, 0) + 1
                for partner, count in per_customer.items():
                    self.add_bookings(env, partner, count, workers=self.background_workers)
            # fresh statistics, as autovacuum would give a live database: both pages get
            # the query plans of their real data, not of the empty tables just filled
            cr.execute("ANALYZE")
            log(f"  {time.perf_counter() - t0:.0f} s")

    def pending_cancellations(self, env, count):
        """``count`` new bookings (visits and orders) of a bulk customer, each with a pending cancellation."""
        env.company.booking_cancel_auto_approve = "never"
        partner = env["res.partner"].browse(self.bulk_customers[0])
        events, orders = self.add_bookings(env, partner.id, count)
        requests_ = env["booking.change.request"]
        for booking in [*events, *orders]:
            requests_ |= booking._booking_request_cancel(partner, {"reason": "bulk"}, "portal")
        return requests_

    @contextlib.contextmanager
    def cancellation_fees(self):
        """Cancellations approved at once, with a fee of 10 % within 30 days of the start; the
        fee orders (``fee_orders``) start within 2 weeks, the others (``free_orders``) in 2 months.
        Yields the fee's invoice as Odoo's own would be made: (partner, product, amount)."""
        with self.registry.cursor() as cr:
            env = superuser_env(cr)
            env.company.booking_cancel_auto_approve = "always"
            rule = env["booking.cancellation.fee.rule"].create(
                {"hours_before": 30 * 24, "fee_type": "percent", "amount": 10}
            )
            sample = env["sale.order"].browse(self.add_orders(env, 1, first_day=2))
            fee = (sample.partner_invoice_id.id, sample._booking_fee_product().id, sample.amount_untaxed / 10)
            cr.commit()
        try:
            yield fee
        finally:
            with self.registry.cursor() as cr:
                env = superuser_env(cr)
                env["booking.cancellation.fee.rule"].browse(rule.id).unlink()
                env.company.booking_cancel_auto_approve = "notice"

    def fee_orders(self, env, count):
        return self.add_orders(env, count, first_day=2)

    def free_orders(self, env, count):
        return self.add_orders(env, count, first_day=60)

    def plain_orders(self, env, count):
        """Orders without a delivery date nor a worker: not bookings, Odoo alone."""
        return self.add_orders(env, count, worker=False, dated=False)
