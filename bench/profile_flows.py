"""What BENCH_ONLY=profile and profile-bulk profile in process: our pages, a cancellation against
Odoo's own flows, and the bulk approval at two sizes."""

import re
import shutil
import signal
import time
from collections import Counter

from . import odoo_flows
from .bulk import approve
from .profiling import Profiler, client, raw_stacks, start_py_spy
from .settings import csrf_token, log, superuser_env
from .what_if import experiments


def profile(data, run_dir):
    """Our pages and cancellation served in process by Odoo's WSGI app: medians without a
    profiler, every query of one request, cProfile, and what-if experiments that patch one
    cost of ours away at a time (in this process only) to measure what removing it would save."""
    profiler = Profiler(run_dir)
    c200, o200, slots = (client(login) for login in (data.logins[1], data.logins[3], data.slot_login))
    calendar = data.calendar_paths[200][0]
    pages = {
        "/my/orders (customer with 200 orders)": lambda _a: o200.get("/my/orders"),
        "/my/bookings (customer with 200)": lambda _a: c200.get("/my/bookings"),
        f"{calendar} (customer with 200)": lambda _a: c200.get(calendar),
        "free times (3 workers)": lambda _a: slots.get(data.slot_path),
    }
    for name, call in pages.items():
        profiler.profile_one(name, call)
    for name in list(pages)[1:3]:
        experiments(profiler, data, name, pages[name])
    profile_cancellation(profiler, data)
    profile_bulk(profiler, data)
    log(f"wrote {profiler.flush()}")


def in_process_rpc(admin):
    """``rpc(model, method, args, kwargs=None)`` through the administrator's in-process client."""

    def rpc(model, method, args, kwargs=None):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}
        response = admin.post(
            f"/web/dataset/call_kw/{model}/{method}",
            json={"jsonrpc": "2.0", "method": "call", "params": params},
        ).json
        assert "error" not in response, str(response)[:500]
        return response["result"]

    return rpc


def profile_cancellation(profiler, data):
    """Our cancellation with a fee, without, and Odoo's own flows of the floor, in process."""
    count = 150  # warm-ups, the timed runs, one with SQL logged, cProfile's and py-spy's runs
    with data.cancellation_fees() as (partner, fee_product, _fee):
        with data.registry.cursor() as cr:
            env = superuser_env(cr)
            fee_orders = iter(data.fee_orders(env, count))
            free_orders = iter(data.free_orders(env, count))
            plain = iter(data.plain_orders(env, count))
        customer = client(data.logins[0])
        rpc = in_process_rpc(client("admin"))

        def cancel(order_id):
            csrf = csrf_token(customer.get(f"/my/bookings/order/{order_id}").get_data(as_text=True))
            response = customer.post(
                f"/my/bookings/order/{order_id}/cancel", data={"csrf_token": csrf, "reason": "bench"}
            )
            assert response.status_code == 303, response.status_code

        profiler.profile_one(
            "POST cancel, posted fee invoice (+ the page GET for CSRF)", cancel, lambda: next(fee_orders)
        )
        profiler.profile_one(
            "POST cancel, no fee (+ the page GET for CSRF)", cancel, lambda: next(free_orders)
        )
        profiler.profile_one(
            "Odoo's Cancel button, plain order (3 RPCs)",
            lambda order_id: odoo_flows.cancel_button(rpc, order_id),
            lambda: next(plain),
        )
        profiler.profile_one(
            "Odoo's one-line invoice, create + post (2 RPCs)",
            lambda _arg: odoo_flows.invoice(rpc, partner, fee_product, 4.0),
        )


def profile_bulk(profiler, data, sizes=(100, 1000)):
    """py-spy over the bulk approval at two sizes: what costs more per request in the larger batch."""
    if not shutil.which("py-spy"):
        return
    per_request = {}
    for count in sizes:
        raw = profiler.run_dir / f"spy-bulk-{count}.txt"
        with data.registry.cursor() as cr:
            env = superuser_env(cr)
            requests_ = data.pending_cancellations(env, count)
            cr.commit()
            spy = start_py_spy(raw, 100)
            time.sleep(1)
            t0 = time.perf_counter()
            approve(env, requests_)
            elapsed = time.perf_counter() - t0
            spy.send_signal(signal.SIGINT)
            spy.wait()
            env.company.booking_cancel_auto_approve = "notice"
        stacks = Counter()
        for frames, samples in raw_stacks(raw):
            for frame in dict.fromkeys(re_line(f) for f in frames):
                stacks[frame] += samples
        # the server action's own samples are the batch's elapsed time
        total = next((n for f, n in stacks.items() if f.startswith("IrActionsServer.run (")), 0)
        total = total or max(stacks.values())
        per_request[count] = {f: n / total * elapsed * 1000 / count for f, n in stacks.items()}
        log(f"  profiled the bulk approval of {count}: {elapsed:.1f} s, {elapsed / count * 1000:.1f} ms each")
    small, big = (per_request[size] for size in sizes)
    report = profiler.report
    report.write(
        f"\n\n===== bulk approval: ms per request, inclusive, at {sizes[0]} and {sizes[1]} requests "
        f"(py-spy); the functions whose cost per request grows most =====\n"
    )
    growth = sorted(big, key=lambda f: big[f] - small.get(f, 0.0), reverse=True)
    for frame in growth[:45]:
        report.write(f"  {small.get(frame, 0.0):8.1f} {big[frame]:8.1f}  {frame}\n")
    report.write("the heaviest per request at the larger size:\n")
    for frame in sorted(big, key=big.get, reverse=True)[:45]:
        report.write(f"  {small.get(frame, 0.0):8.1f} {big[frame]:8.1f}  {frame}\n")
    profiler.flush()


def re_line(frame):
    """A frame without its line number: a function counted once whatever line runs."""
    return re.sub(r":\d+\)$", ")", frame)
