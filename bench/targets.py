"""The targets table of RESULTS.md: each target, what was measured, met or missed."""

from .settings import TARGETS


def verdict(ok):
    return "**met**" if ok else "**missed**"


def figures(results):
    """The figures that the targets and the sections' summaries both state."""
    pages, calendar, slots, cancel = (results[k] for k in ("pages", "calendar", "slots", "cancel"))
    (_small_n, small_t), (_big_n, big_t) = results["bulk"]
    return {
        "list_worst": max(p[2] / p[4] for p in pages),
        "list_queries": sorted({p[3] for p in pages}),
        "cal_worst": max(c[3] / c[5] for c in calendar),
        "cal_queries": {count: sorted({c[4] for c in calendar if c[1] == count}) for count in (20, 200)},
        "slots_big": max(slots, key=lambda s: s["size"]),
        "slot_queries": sorted({s["queries"] for s in slots}),
        "floor_ratio": cancel["ours_fee"] / cancel["floor"],
        "no_fee_ratio": cancel["ours_no_fee"] / cancel["odoo_wizard"],
        "no_fee_plain": cancel["ours_no_fee"] / cancel["odoo_wizard_plain"],
        "bulk_ratio": big_t / small_t,
        "bulk_ms": [total / count * 1000 for count, total in results["bulk"]],
        "load_sign": results["load"]["ours"]["p50"] / results["load"]["sign"]["p50"],
        "load_decline": results["load"]["ours"]["p50"] / results["load"]["decline"]["p50"],
    }


def target_rows(results):
    """[(what, target, measured, verdict)]; (issue 18) marks the speed targets of "One answer everywhere"."""
    f = figures(results)
    cancel, ours = results["cancel"], results["load"]["ours"]
    cal_queries, slots_big = f["cal_queries"], f["slots_big"]
    load = results["load"]
    return [
        (
            "Portal list `/my/bookings` vs `/my/orders` (issue 18)",
            f"≤ {TARGETS['list']}× at every size, queries constant",
            f"worst {f['list_worst']:.2f}×; queries {f['list_queries']}",
            verdict(f["list_worst"] <= TARGETS["list"] and len(f["list_queries"]) == 1),
        ),
        (
            "Calendar `/my/bookings/calendar` (month) vs `/my/orders` (issue 18)",
            f"≤ {TARGETS['calendar']}× at every size, queries constant",
            f"worst {f['cal_worst']:.2f}×; queries {cal_queries[20]} (20), {cal_queries[200]} (200)",
            verdict(f["cal_worst"] <= TARGETS["calendar"] and all(len(q) == 1 for q in cal_queries.values())),
        ),
        (
            "Free times `/slots`, 3 workers, at 10,000 bookings",
            f"median < {TARGETS['slots_ms']:.0f} ms, queries constant",
            f"{slots_big['ms']:.1f} ms; queries {f['slot_queries']}",
            verdict(slots_big["ms"] < TARGETS["slots_ms"] and len(f["slot_queries"]) == 1),
        ),
        (
            "Cancellation with a posted fee invoice vs its floor",
            f"≤ {TARGETS['fee_floor']}×",
            f"{f['floor_ratio']:.2f}× ({cancel['ours_fee']:.0f} / {cancel['floor']:.0f} ms)",
            verdict(f["floor_ratio"] <= TARGETS["fee_floor"]),
        ),
        (
            "Cancellation without a fee vs Odoo's Cancel button",
            f"≤ {TARGETS['no_fee']}×",
            f"{f['no_fee_ratio']:.2f}× (booked order, as before); "
            f"{f['no_fee_plain']:.2f}× (plain order, Odoo alone)",
            verdict(f["no_fee_ratio"] <= TARGETS["no_fee"])
            + ("" if f["no_fee_plain"] <= TARGETS["no_fee"] else " against Odoo alone: **missed**"),
        ),
        (
            "Bulk approval, ms per request at 100 and 1,000 (issue 18)",
            f"< {TARGETS['bulk_ms']:.0f} ms",
            " / ".join(f"{ms:.1f} ms" for ms in f["bulk_ms"]),
            verdict(max(f["bulk_ms"]) < TARGETS["bulk_ms"]),
        ),
        (
            "Bulk approval, 1,000 / 100",
            f"≤ {TARGETS['bulk']:.0f}× (linear)",
            f"{f['bulk_ratio']:.1f}×",
            verdict(f["bulk_ratio"] <= TARGETS["bulk"]),
        ),
        (
            "Load: 20 customers' POSTs at once vs Odoo's quotation signing at once, median (issue 18)",
            f"≤ {TARGETS['load']}×",
            f"{f['load_sign']:.2f}× ({ours['p50']:.0f} / {load['sign']['p50']:.0f} ms)",
            verdict(f["load_sign"] <= TARGETS["load"]),
        ),
        (
            "… the same vs Odoo's quotation declining at once (a lighter write: no PDF, no email)",
            "none (context)",
            f"{f['load_decline']:.2f}× ({ours['p50']:.0f} / {load['decline']['p50']:.0f} ms)",
            "",
        ),
        *waitlist_rows(results),
        (
            "Load: 20 customers at once",
            "no 5xx; requests stored = accepted",
            f"{ours['errors_5xx']} × 5xx; {ours['created']} stored / {ours['accepted']} accepted",
            verdict(ours["errors_5xx"] == 0 and ours["created"] == ours["accepted"]),
        ),
    ]


def waitlist_rows(results):
    rows = results.get("waitlist")
    if not rows:
        return []
    big = max(rows)
    queries = sorted({q for row in rows for q in row[2]})
    return [
        (
            "Move-up list: matching a freed time, 1,000 wishes, 10,000 bookings",
            f"median < {TARGETS['waitlist_ms']:.0f} ms, queries constant",
            f"{big[1]:.1f} ms; queries {queries}",
            verdict(big[1] < TARGETS["waitlist_ms"] and len(queries) == 1),
        )
    ]
