"""The bulk approval (the server action, as a reviewer) of pending cancellations, in process."""

import statistics
import time

from .settings import log, superuser_env


def approve(env, requests_):
    """The reviewer's server action "Approve" over ``requests_``, flushed and committed."""
    action = env.ref("booking_change_request.action_booking_change_request_approve")
    admin = env.ref("base.user_admin")
    action.with_user(admin).with_context(
        active_model="booking.change.request", active_ids=requests_.ids
    ).run()
    env.flush_all()
    env.cr.commit()


def approve_batch(data, count):
    """Seconds the bulk approval of ``count`` pending cancellations (visits and orders) takes,
    commit included."""
    with data.registry.cursor() as cr:
        env = superuser_env(cr)
        requests_ = data.pending_cancellations(env, count)
        assert set(requests_.mapped("state")) == {"pending"}
        cr.commit()
        t0 = time.perf_counter()
        approve(env, requests_)
        total = time.perf_counter() - t0
        assert set(requests_.mapped("state")) == {"approved"}
        env.company.booking_cancel_auto_approve = "notice"
        cr.commit()
    return total


def measure_bulk_approval(data, small_runs=3):
    """An untimed batch of 20 first (it compiles the email templates in this process), then
    the median of ``small_runs`` batches of 100, then one batch of 1,000: [(count, seconds)]."""
    approve_batch(data, 20)
    small = [approve_batch(data, 100) for _run in range(small_runs)]
    log(f"  bulk approval of 100, {small_runs} runs: " + ", ".join(f"{t:.1f} s" for t in small))
    rows = [(100, statistics.median(small)), (1000, approve_batch(data, 1000))]
    for count, total in rows:
        log(f"  bulk approval of {count}: {total:.1f} s ({total / count * 1000:.1f} ms each)")
    return rows
