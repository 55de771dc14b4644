"""In process: where ours spends its time and queries (BENCH_ONLY=profile, bench/.run/profile.txt).

A call is served by Odoo's WSGI app in this process (``client``): its median without a
profiler, every query of one run, cProfile over the runs, and py-spy's sampled breakdown.
"""

import cProfile
import io
import logging
import os
import pstats
import re
import shutil
import statistics
import subprocess
import time
from collections import Counter

from .settings import csrf_token, log


def start_py_spy(raw, rate, duration=None):
    """py-spy sampling this process into ``raw`` (its raw format), for ``duration`` s or until SIGINT."""
    return subprocess.Popen(
        [
            "py-spy",
            "record",
            "--pid",
            str(os.getpid()),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--output",
            str(raw),
            *(["--duration", str(duration)] if duration else []),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def raw_stacks(raw):
    """[(frames, samples)] of a py-spy raw file."""
    return [
        (m[1].split(";"), int(m[2]))
        for m in re.finditer(r"^(.*) (\d+)$", raw.read_text(errors="replace"), re.MULTILINE)
    ]


def client(login, password=None):
    """A werkzeug client of Odoo's WSGI app in this process, logged in as ``login``; it asserts
    that every answer is below 400."""
    from werkzeug.test import Client

    from odoo.http import root

    class Local(Client):
        def open(self, *args, **kwargs):
            kwargs.setdefault("environ_base", {"REMOTE_ADDR": "127.0.0.1"})
            response = super().open(*args, **kwargs)
            assert response.status_code < 400, (args, response.status_code)
            return response

    local = Local(root)
    csrf = csrf_token(local.get("/web/login").get_data(as_text=True))
    local.post(
        "/web/login",
        data={"login": login, "password": password or login, "csrf_token": csrf, "redirect": "/my"},
    )
    return local


class Profiler:
    """The report (bench/.run/profile.txt) and the measurements that write it."""

    def __init__(self, run_dir, runs=15, pairs=25):
        self.run_dir = run_dir
        self.report = io.StringIO()
        self.runs = runs
        self.pairs = pairs
        self.spied = 0

    def flush(self):
        out = self.run_dir / "profile.txt"
        out.write_text(self.report.getvalue())
        return out

    def median_ms(self, call, prepare=None, count=None):
        for _warm in range(3):
            call(prepare() if prepare else None)
        times = []
        for _run in range(count or self.runs):
            arg = prepare() if prepare else None
            t0 = time.perf_counter()
            call(arg)
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    @staticmethod
    def sql_of(call, arg):
        """Every query of one call: (ms, statement)."""
        queries = []

        class Catch(logging.Handler):
            def emit(self, record):
                message = record.getMessage()
                if m := re.match(r"\[([\d.]+) ms\] query: (.*)", message, re.DOTALL):
                    queries.append((float(m[1]), " ".join(m[2].split())))

        sql_logger = logging.getLogger("odoo.sql_db")
        catcher = Catch(level=logging.DEBUG)
        level, propagate = sql_logger.level, sql_logger.propagate
        sql_logger.addHandler(catcher)
        sql_logger.setLevel(logging.DEBUG)
        sql_logger.propagate = False
        try:
            call(arg)
        finally:
            sql_logger.setLevel(level)
            sql_logger.propagate = propagate
            sql_logger.removeHandler(catcher)
        return queries

    def profile_one(self, name, call, prepare=None):
        report = self.report
        median = self.median_ms(call, prepare)
        queries = self.sql_of(call, prepare() if prepare else None)
        tables = Counter()
        for _ms, query in queries:
            m = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', query, re.IGNORECASE)
            tables[f"{query.split(None, 1)[0].upper()} {m[1] if m else '?'}"] += 1
        report.write(
            f"\n\n===== {name}: median {median:.1f} ms in process (no profiler), {len(queries)} queries, "
            f"{sum(ms for ms, _q in queries):.1f} ms in SQL =====\n"
        )
        report.write("queries by statement and first table:\n")
        for key, value in tables.most_common():
            report.write(f"  {value:4d}  {key}\n")
        report.write("every query (ms, first 220 characters):\n")
        for ms, query in queries:
            report.write(f"  {ms:7.3f}  {query[:220]}\n")
        profiler = cProfile.Profile()
        args = [prepare() if prepare else None for _run in range(self.runs)]
        for arg in args:
            profiler.runcall(call, arg)
        stats = pstats.Stats(profiler, stream=report)
        stats.sort_stats("cumulative")
        report.write(f"\ncProfile over {self.runs} runs, ours (booking_change_request), cumulative:\n")
        stats.print_stats("booking_change_request", 40)
        report.write("\ncProfile, all, cumulative:\n")
        stats.print_stats(45)
        report.write("\ncProfile, all, own time:\n")
        stats.sort_stats("tottime")
        stats.print_stats(25)
        self.spy(call, prepare, median)
        self.flush()
        log(f"  profiled {name}: {median:.1f} ms, {len(queries)} queries")
        return median

    def spy(self, call, prepare, median, seconds=8):
        """py-spy (sampling, little overhead) while the call repeats: where the median's ms go."""
        if not shutil.which("py-spy"):
            self.report.write("\n(py-spy is not installed: pip install py-spy for the sampled breakdown)\n")
            return
        self.spied += 1
        raw = self.run_dir / f"spy-{self.spied}.txt"
        spy = start_py_spy(raw, 400, seconds)
        time.sleep(0.5)
        while spy.poll() is None:
            try:
                arg = prepare() if prepare else None
            except StopIteration:  # out of bookings to cancel: py-spy keeps the samples it has
                spy.terminate()
                break
            call(arg)
        spy.wait()
        self.spy_report(raw_stacks(raw), median, seconds)

    @staticmethod
    def spy_kind(frames, own):
        # QWeb's compiled templates are generators: py-spy shows some of their frames ("<1052>")
        # without IrQWeb._render above them
        if any(("ir_qweb.py" in f and "_render" in f) or re.search(r"\(<\d+>(:\d+)?\)$", f) for f in frames):
            return "QWeb rendering: our code called by the templates" if own else "QWeb rendering: Odoo"
        if own:
            return "our code (controller, models), outside rendering"
        return "Odoo: request, session, transaction, its own ORM work"

    def spy_report(self, stacks, median, seconds):
        total = sum(count for _frames, count in stacks) or 1
        ours, innermost, kinds, odoo_only = Counter(), Counter(), Counter(), Counter()
        for frames, count in stacks:
            own = [re.sub(r" \((?:.*/)?booking_change_request/(.*?):\d+\)$", r" (\1)", f) for f in frames]
            own = [f for f, raw in zip(own, frames, strict=True) if "booking_change_request" in raw]
            sql = any("sql_db.py" in f and "execute" in f for f in frames)
            kind = self.spy_kind(frames, own)
            kinds[(kind, sql)] += count
            for frame in dict.fromkeys(own):
                ours[frame] += count
            if own:
                innermost[own[-1]] += count
            else:
                for frame in dict.fromkeys(re.sub(r":\d+\)$", ")", f) for f in frames):
                    odoo_only[(kind, frame)] += count

        def ms(count):
            return f"{count / total * median:7.1f} ms  {count / total:6.1%}"

        report = self.report
        report.write(f"\npy-spy, {total} samples over {seconds} s: shares of the median's {median:.1f} ms\n")
        for kind in sorted({kind for kind, _sql in kinds}):
            python, sql = kinds[(kind, False)], kinds[(kind, True)]
            report.write(
                f"  {ms(python + sql)}  {kind} "
                f"(Python {ms(python)[:10].strip()}, SQL {ms(sql)[:10].strip()})\n"
            )
        report.write("our functions, inclusive (what is below them counts, Odoo's calls included):\n")
        for frame, count in ours.most_common(30):
            report.write(f"  {ms(count)}  {frame}\n")
        report.write(
            "our innermost function of each sample (where our code hands over to Odoo or computes):\n"
        )
        for frame, count in innermost.most_common(20):
            report.write(f"  {ms(count)}  {frame}\n")
        report.write("Odoo's functions in the samples where none of ours is on the stack, inclusive:\n")
        trunk = re.compile(
            r"\((?:.*/)?(bench/\w+\.py|werkzeug/test\.py|odoo/http\.py|odoo/service/model\.py)\)$"
        )
        listed = [(key, count) for key, count in odoo_only.most_common() if not trunk.search(key[1])]
        for (kind, frame), count in listed[:30]:
            report.write(f"  {ms(count)}  [{kind[:14]}] {frame}\n")
