"""make bench: our portal and engine measured side by side with Odoo's own pages and actions.

Run by scripts/bench.sh on a private throwaway database where the addon is installed:
    python bench/run.py --conf ODOO_CONF --db DB --out bench/RESULTS.md
It grows the data to 100, 1,000 and 10,000 bookings over 100 customers, starts Odoo
with several workers on loopback, and writes the figures to RESULTS.md: the section of the
series it runs on (18.0, 19.0), the other series' section kept. The parts live in the
`bench` package beside this file (see its __init__).

    --only pages|slots|cancel|bulk|load|waitlist   one part, printed only (RESULTS.md is left alone)
    --only profile        in process: SQL, cProfile, py-spy, A/B what-ifs (bench/.run/profile.txt)
    --only profile-bulk   py-spy over the bulk approval of 100 and 1,000 requests (same file)
    --sizes 1000,10000                    the sizes to grow to (default: 100, 1,000, 10,000;
                                          with --only: the smallest)
"""

import argparse
import contextlib
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

# the addon's folder, not this one, on the path: `bench` is then a package, and no module of it
# hides one of Python's
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import odoo  # noqa: E402

with contextlib.suppress(ModuleNotFoundError):
    import odoo.init  # 19.0: `odoo` is a namespace package that this module sets up (18.0: itself)
from bench import machine as machine_info  # noqa: E402
from bench import results as results_md  # noqa: E402
from bench.bulk import measure_bulk_approval  # noqa: E402
from bench.cancel import measure_cancellation  # noqa: E402
from bench.load import measure_load  # noqa: E402
from bench.pages import measure_pages, measure_slots  # noqa: E402
from bench.profile_flows import profile, profile_bulk  # noqa: E402
from bench.profiling import Profiler  # noqa: E402
from bench.seed import Data  # noqa: E402
from bench.server import OdooServer  # noqa: E402
from bench.settings import SIZES, log  # noqa: E402
from bench.waitlist import measure_waitlist  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

PARTS = ("pages", "slots", "cancel", "bulk", "load", "waitlist")


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default=str(Path(__file__).parent / "RESULTS.md"))
    parser.add_argument(
        "--only",
        choices=(*PARTS, "profile", "profile-bulk"),
        help="run one measurement (at the smallest size) and print it, leaving RESULTS.md alone",
    )
    parser.add_argument("--sizes", help="comma-separated sizes to grow to, e.g. 1000,10000")
    return parser.parse_args()


def measure(data, server, machine, sizes, only):
    """Every part (or ``only`` one), the machine's load recorded for each: the results."""
    results = {}
    for size in sizes:
        data.grow_to(size)
        for part, label, measure_at in (
            ("pages", "list and calendar", measure_pages),
            ("slots", "free times", measure_slots),
        ):
            if only in (None, part):
                log(f"measuring the {label} at {size} bookings")
                with machine.part(f"{label}, {size:,} bookings"):
                    measure_at(data, server, size, results)
    for part, run_part in (
        ("cancel", lambda: measure_cancellation(data, server)),
        ("bulk", lambda: measure_bulk_approval(data)),
        ("load", lambda: measure_load(data, server)),
        ("waitlist", lambda: measure_waitlist(data)),
    ):
        if only in (None, part):
            log(f"measuring: {part}")
            with machine.part(part):
                results[part] = run_part()
    return results


def main():
    args = arguments()
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else SIZES[:1] if args.only else SIZES
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db])
    out = Path(args.out)
    run_dir = out.parent / ".run"
    run_dir.mkdir(exist_ok=True)
    data = Data(Registry(args.db))
    revision = machine_info.revision()
    log(f"addon measured: {revision}")
    log("creating customers and the measured customers' bookings")
    data.setup()
    if args.only in ("profile", "profile-bulk"):
        for size in sizes:
            data.grow_to(size)
        if args.only == "profile":
            profile(data, run_dir)
        else:
            profile_bulk(Profiler(run_dir), data)
        return
    machine = machine_info.Machine(odoo.tools.config["db_host"])
    server = OdooServer(args.conf, args.db, run_dir)
    try:
        server.start()
        results = measure(data, server, machine, sizes, args.only)
    finally:
        server.stop()
    if args.only:
        return
    run = {
        "started": started,
        "duration": time.perf_counter() - t0,
        "revision": revision,
        "machine": machine_info.machine_text(data.registry),
        "samples": machine.samples,
    }
    results_md.write(out, results, run)
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
