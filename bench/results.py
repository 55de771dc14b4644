"""RESULTS.md: the section of the series measured (targets, machine load, one part each), the
other series' sections kept."""

import os
import re

import odoo

from .settings import REPEAT, SERVER_WORKERS, TARGETS, WARMUP
from .targets import figures, target_rows

RESULTS_HEAD = """# Benchmark results

`make bench` measures the Odoo series it runs on (README, *Performance*) and replaces that
series' section below, keeping the others'.
"""


def write(path, results, run):
    """Replace the series' section of RESULTS.md at ``path``; ``run``: started, duration, revision,
    machine (its description) and samples (the machine's load per part)."""
    f = figures(results)
    lines = [
        *head_lines(run, results),
        *pages_lines(results, f),
        *cancel_lines(results, f),
        *bulk_lines(results, f),
        *load_lines(results),
        *waitlist_lines(results),
    ]
    path.write_text(merge_results(path, odoo.release.serie, lines))


def head_lines(run, results):
    return [
        f"## Odoo {odoo.release.serie}",
        "",
        f"Run of `make bench` on {run['started']:%Y-%m-%d %H:%M} UTC, {run['duration']:.0f} s in all.",
        f"Machine: {run['machine']}.",
        f"Addon measured: {run['revision']}.",
        f"Odoo serves on loopback with {SERVER_WORKERS} workers; times are measured by the client (median "
        f"of {REPEAT} runs after {WARMUP} warm-ups, with fresh table statistics); query counts are those "
        "Odoo logs for each request. Where a target is missed, `bench/PROFILE.md` has the profile.",
        "",
        "### Targets",
        "",
        "| what | target | measured | |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in target_rows(results)),
        "",
        "### Machine load during the run",
        "",
        "Load average (1 min) at the start and end of each part, and the CPU that processes other",
        "than the benchmark's (its Odoo, its PostgreSQL cluster, its client) took meanwhile, in cores",
        f"of {os.cpu_count()}. Before the benchmark started: load "
        f"{os.environ.get('BENCH_LOAD_BEFORE', '?')}.",
        "",
        "| part | load at start | load at end | other processes, cores |",
        "|---|---:|---:|---:|",
        *(f"| {n} | {a:.2f} | {b:.2f} | {o:.2f} |" for n, a, b, o in run["samples"]),
        "",
    ]


def pages_lines(results, f):
    lines = [
        "### 1. Portal list: `/my/bookings` against Odoo's `/my/orders`",
        "",
        "The database holds 100, 1,000 and 10,000 background bookings (visits and orders mixed) over",
        "75 customers; the measured customers' own bookings (20 or 200; 20 or 200 orders) come on top.",
        "Both pages show at most 80 rows (Odoo's portal page size).",
        "",
        "| bookings in database | customer's bookings | /my/bookings ms | queries "
        "| /my/orders ms | queries | time ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, count, ours_ms, ours_q, theirs_ms, theirs_q in results["pages"]:
        lines.append(
            f"| {size:,} | {count} | {ours_ms:.1f} | {ours_q} | {theirs_ms:.1f} | {theirs_q} "
            f"| {ours_ms / theirs_ms:.2f} |"
        )
    cal_queries = f["cal_queries"]
    lines += [
        "",
        f"Target: within {TARGETS['list']}× of `/my/orders` at every size, query count not growing. "
        f"Worst ratio {f['list_worst']:.2f}; our query counts seen: {f['list_queries']}.",
        "",
        "### 2. Calendar: `/my/bookings/calendar?date=…&mode=month` against Odoo's `/my/orders`",
        "",
        "The same customers as the list (the calendar's month is the one showing most of their",
        'bookings; its grid shows three a day and "+N more", its list the month\'s first 80, as',
        "`/my/orders` shows 80 rows), timed in turn with the list and `/my/orders` of the rows above.",
        "",
        "| bookings in database | customer's bookings | in the month | calendar ms | queries "
        "| /my/orders ms | queries | time ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, count, shown, cal_ms, cal_q, orders_ms, orders_q, _path in results["calendar"]:
        lines.append(
            f"| {size:,} | {count} | {shown} | {cal_ms:.1f} | {cal_q} | {orders_ms:.1f} | {orders_q} "
            f"| {cal_ms / orders_ms:.2f} |"
        )
    lines += [
        "",
        f"Target: within {TARGETS['calendar']}× of `/my/orders`, "
        "query count not growing with the bookings. "
        f"Worst ratio {f['cal_worst']:.2f}; our query counts seen: {cal_queries[20]} (customer with 20), "
        f"{cal_queries[200]} (customer with 200).",
        "",
        "### 3. Free times: `/my/bookings/visit/<id>/slots?date=…&duration=1`",
        "",
        "A visit with three assigned field workers (internal users with the company's working hours);",
        "every background booking is assigned to one of them, on every day but the one asked for, which",
        "holds one booking of each (and one of another worker). Logged in, and through the customer's",
        "email link (`access_token`, `pid`, `hash`).",
        "",
        "| bookings in database | the workers' bookings | on that day | free times answered "
        "| logged in ms | queries | email link ms | queries |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results["slots"]:
        lines.append(
            f"| {s['total']:,} | {s['workers_bookings']:,} | {s['that_day']} | {s['slots']} "
            f"| {s['ms']:.1f} | {s['queries']} | {s['link_ms']:.1f} | {s['link_queries']} |"
        )
    slots_big = f["slots_big"]
    lines += [
        "",
        f"Target: median under {TARGETS['slots_ms']:.0f} ms with 10,000 bookings, "
        "query count not growing. "
        f"{slots_big['ms']:.1f} ms at {slots_big['total']:,}; query counts seen: {f['slot_queries']}.",
        "",
    ]
    return lines


def cancel_lines(results, f):
    cancel = results["cancel"]
    server = cancel["server"]

    def row(label, key):
        q, sql, other = server.get(key, ("", "", ""))
        return f"| {label} | {cancel[key]:.1f} | {q} | {sql} | {other} |"

    return [
        "### 4. One cancellation, end to end",
        "",
        "Each flow cancels its own confirmed one-line orders: 4 untimed runs (one per worker), then 15",
        "timed runs, the flows taking turns. Odoo's flows run as the administrator over JSON-RPC, one",
        "call per button as the web client makes them. A *booked* order has a delivery date and a",
        "worker, so the addon follows it: Odoo's Cancel button on it also records the cancellation",
        "and tells the worker (our hook); a *plain* order has no delivery date: Odoo alone.",
        "Server side: queries, SQL ms and other ms as Odoo logs them, summed over the flow's requests.",
        "",
        "| | median ms | queries | SQL ms | other ms |",
        "|---|---:|---:|---:|---:|",
        row("ours: customer POST, auto-approved, posted fee invoice, email queued, worker told", "ours_fee"),
        row("ours, same without a fee", "ours_no_fee"),
        row("Odoo's `action_cancel` of a booked order, bare (no wizard, no email)", "odoo_bare"),
        row(
            "Odoo's Cancel button on a booked order: `action_cancel`"
            + (", its wizard, `action_send_mail_and_cancel`" if odoo.release.serie == "18.0" else ""),
            "odoo_wizard",
        ),
        row("Odoo's Cancel button on a plain order (Odoo alone)", "odoo_wizard_plain"),
        row(
            "**floor**: Odoo's Cancel button on a plain order, then Odoo's one-line customer invoice "
            "(`account.move` create, `action_post`)",
            "floor",
        ),
        f"| … of which the Cancel button | {cancel['floor_cancel']:.1f} | | | |",
        f"| … of which the invoice, created and posted | {cancel['floor_invoice']:.1f} | | | |",
        "",
        f"With the fee: {f['floor_ratio']:.2f}× the floor (target: within {TARGETS['fee_floor']}×). "
        f"Without the fee: {f['no_fee_ratio']:.2f}× Odoo's Cancel button on a booked order, "
        f"{f['no_fee_plain']:.2f}× on a plain order (target: within {TARGETS['no_fee']}×). "
        "With the fee against the bare `action_cancel`: "
        f"{cancel['ours_fee'] / cancel['odoo_bare']:.2f}×.",
        "",
    ]


def bulk_lines(results, f):
    return [
        "### 5. Bulk approval (server action), cancellations of visits and orders",
        "",
        "In the benchmark's process, as a reviewer: an untimed batch of 20 first, then the median of",
        "three batches of 100, then one batch of 1,000; commit included.",
        "",
        "| requests | total s | ms per request |",
        "|---:|---:|---:|",
        *(f"| {count:,} | {total:.1f} | {total / count * 1000:.1f} |" for count, total in results["bulk"]),
        "",
        f"Target: under {TARGETS['bulk_ms']:.0f} ms per request at both sizes; "
        f"ratio 1,000 / 100: {f['bulk_ratio']:.1f}× (target: at most {TARGETS['bulk']:.0f}×, linear).",
        "",
    ]


def load_lines(results):
    load = results["load"]
    labels = {
        "ours": "ours: a cancel or change request (`/my/bookings/<kind>/<id>/cancel`, `/change`)",
        "sign": "Odoo: a quotation signed (`/my/orders/<id>/accept`: signature, order confirmed, PDF, email)",
        "decline": "Odoo: a quotation declined (`/my/orders/<id>/decline`: order cancelled, message posted)",
    }
    ours = load["ours"]
    return [
        "### 6. Load: 20 customers at once, against Odoo's own portal POSTs at once, over HTTP",
        "",
        "Every booking of the 20 customers has the same field worker (a small business with one walker).",
        "The same 20 customers also sign and decline quotations in Odoo's portal. The flows take turns by",
        "rounds (ours, signing, declining, twice), after one untimed request of each flow per customer",
        "at once: each round is the 20 customers at once, each posting its share one after the other",
        "(the page's GET first, untimed). Odoo's PDF of a signed order",
        "fetches its stylesheets from a closed port (`report.url`), so that the workers never wait on",
        "one another: Odoo's signing is a little cheaper here than live.",
        "",
        "| flow | requests | wall s | throughput req/s | p50 ms | p95 ms | 5xx | 4xx | done | stored |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {labels[flow]} | {r['requests']} | {r['wall']:.1f} | {r['throughput']:.1f} | {r['p50']:.0f} "
            f"| {r['p95']:.0f} | {r['errors_5xx']} | {r['refused_4xx']} | {r['accepted']} | {r['created']} |"
            for flow, r in load.items()
        ),
        "",
        f"Ours, median: {ours['p50'] / load['sign']['p50']:.2f}× Odoo's signing, "
        f"{ours['p50'] / load['decline']['p50']:.2f}× Odoo's declining (target: within {TARGETS['load']}× "
        "of Odoo's own portal POST at the same concurrency). Serialization failures logged: "
        f"{ours['serialization_failures']}. Target: zero 5xx; requests in the database equal accepted "
        "responses (nothing lost or duplicated).",
        "",
    ]


def waitlist_lines(results):
    rows = results.get("waitlist")
    if not rows:
        return []
    return [
        "### 7. Move-up list: a freed time matched against the customers waiting",
        "",
        "A visit of one field worker cancelled three days ahead, at 10,000 bookings; customers wait on",
        "that worker's later visits and orders, every one of them a candidate by workers and dates.",
        "In the benchmark's process: the matching (one search of the waiting wishes joined with their",
        "bookings, the worker's hours and bookings once) and its offers (3, each emailed), each run",
        "rolled back; median of 15 runs after 3 warm-ups.",
        "",
        "| customers waiting | median ms | queries | offers made |",
        "|---:|---:|---:|---:|",
        *(f"| {count:,} | {ms:.1f} | {queries} | {offers} |" for count, ms, queries, offers in rows),
        "",
    ]


def merge_results(path, serie, section):
    """RESULTS.md with ``section`` (its lines) as the section of ``serie``, the other series' kept."""
    sections = {}
    current = None
    if path.exists():
        for line in path.read_text().splitlines():
            found = re.fullmatch(r"## Odoo (\d+\.\d+)", line)
            if found:
                current = found[1]
                sections[current] = []
            if current:
                sections[current].append(line)
    sections[serie] = section
    parts = [RESULTS_HEAD]
    for name in sorted(sections, key=lambda s: tuple(int(n) for n in s.split("."))):
        parts.append("\n".join(sections[name]).strip() + "\n")
    return "\n".join(parts)
