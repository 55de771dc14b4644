"""The machine measured: what it is, which code it runs, and its load while each part runs."""

import contextlib
import os
import platform
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import odoo

from .settings import log

ADDON_ROOT = Path(__file__).resolve().parent.parent


class Machine:
    """The machine's load while a part runs: load average, and the CPU that other processes took."""

    def __init__(self, pg_dir):
        self.pg_dir = pg_dir
        self.tick = os.sysconf("SC_CLK_TCK")
        self.samples = []

    @staticmethod
    def _stat(pid):
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = text[text.rindex(")") + 2 :].split()
        # ppid, utime, stime, cutime, cstime
        return int(fields[1]), sum(int(v) for v in fields[11:15])

    def _ours(self):
        """Ticks of the bench's own processes: this script's parent's tree and our PostgreSQL cluster."""
        stats = {int(p): self._stat(p) for p in os.listdir("/proc") if p.isdigit()}
        stats = {pid: s for pid, s in stats.items() if s}
        children = defaultdict(list)
        for pid, (ppid, _ticks) in stats.items():
            children[ppid].append(pid)
        roots = [os.getppid()]
        with contextlib.suppress(OSError, ValueError, IndexError):
            roots.append(int(Path(self.pg_dir, "data", "postmaster.pid").read_text().split()[0]))
        seen, todo = set(), list(roots)
        while todo:
            pid = todo.pop()
            if pid in seen or pid not in stats:
                continue
            seen.add(pid)
            todo.extend(children[pid])
        return sum(stats[pid][1] for pid in seen)

    @staticmethod
    def _busy():
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(values) - values[3] - values[4]  # all but idle and iowait

    def start(self, name):
        self.current = (name, time.perf_counter(), self._busy(), self._ours(), os.getloadavg()[0])

    def stop(self):
        name, t0, busy0, ours0, load0 = self.current
        elapsed = time.perf_counter() - t0
        others = max((self._busy() - busy0) - (self._ours() - ours0), 0) / self.tick
        self.samples.append((name, load0, os.getloadavg()[0], others / elapsed if elapsed else 0.0))
        log(
            f"  machine: load {load0:.2f} -> {os.getloadavg()[0]:.2f}, "
            f"other processes {others / elapsed:.2f} cores"
        )

    @contextlib.contextmanager
    def part(self, name):
        """The load while the block runs, recorded as the part ``name``."""
        self.start(name)
        yield
        self.stop()


def machine_text(registry):
    """CPU, memory, Python, Odoo and PostgreSQL of the run."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    with registry.cursor() as cr:
        cr.execute("SHOW server_version")
        pg_version = cr.fetchone()[0]
    return (
        f"{os.cpu_count()} × {cpu}, {memory} GiB RAM; Python {platform.python_version()}; "
        f"Odoo {odoo.release.version}; PostgreSQL {pg_version}"
    )


def revision():
    """The code measured: BENCH_REVISION, else its git commit and the addon files changed since."""
    if os.environ.get("BENCH_REVISION"):
        return os.environ["BENCH_REVISION"]
    try:
        commit = subprocess.run(
            ["git", "-C", str(ADDON_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(ADDON_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    changed = [line[3:] for line in status if not line[3:].startswith(("bench/", "scripts/"))]
    return f"commit {commit}" + (f", with uncommitted changes in {', '.join(changed)}" if changed else "")
