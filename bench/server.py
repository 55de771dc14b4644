"""Odoo served with workers on loopback, its customers' sessions, and the client's timing of pages.

Times are measured by the client; query counts are those Odoo logs for each request.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

from .settings import LOG_LINE, REPEAT, SERVER_WORKERS, WARMUP, csrf_token

LAUNCHER = Path(__file__).resolve().parent.parent / "scripts" / "odoo_launch.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OdooServer:
    def __init__(self, conf, db, run_dir):
        self.conf, self.db = conf, db
        self.log_path = Path(run_dir) / "server.log"

    def start(self, workers=SERVER_WORKERS):
        self.port = free_port()
        self.log_path.parent.mkdir(exist_ok=True)
        self.log_path.write_text("")
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(LAUNCHER),
                "-c",
                self.conf,
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                f"--http-port={self.port}",
                f"--gevent-port={self.port + 1}",
                f"--workers={workers}",
                "--max-cron-threads=0",
                "--log-level=info",
                f"--logfile={self.log_path}",
                "--limit-time-real=600",
                "--limit-time-cpu=600",
            ],
            env={**os.environ, "TZ": "UTC"},
        )
        # the first page compiles the assets: slow on a busy machine
        for _attempt in range(120):
            try:
                requests.get(self.url("/web/login"), timeout=60)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("Odoo did not start")

    def stop(self):
        process = getattr(self, "process", None)
        if process and process.poll() is None:
            process.terminate()
            process.wait(timeout=60)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def session(self, login, password=None):
        """A requests session logged in as ``login`` (password: the login, unless given)."""
        session = requests.Session()
        csrf = csrf_token(session.get(self.url("/web/login"), timeout=30).text)
        response = session.post(
            self.url("/web/login"),
            data={"login": login, "password": password or login, "csrf_token": csrf, "redirect": "/my"},
            timeout=30,
        )
        response.raise_for_status()
        return session

    def page_csrf(self, session, path, timeout=60):
        """The CSRF token of the form on page ``path``, as the customer's browser gets it."""
        return csrf_token(session.get(self.url(path), timeout=timeout).text)

    def log_size(self):
        """Where the server's log ends now: what it logs next is read with log_lines(since=this)."""
        return self.log_path.stat().st_size

    def log_text(self, since):
        with open(self.log_path, encoding="utf-8", errors="replace") as server_log:
            server_log.seek(since)
            return server_log.read()

    def log_lines(self, since):
        """(method, path, status, queries, sql s, other s) of each request Odoo logged after ``since``."""
        return [
            (m[1], m[2], int(m[3]), int(m[4]), float(m[5]), float(m[6]))
            for m in LOG_LINE.finditer(self.log_text(since))
        ]

    def query_counts(self, path, since):
        """Query counts Odoo logged for `path`."""
        return [line[3] for line in self.log_lines(since) if line[1] == path]

    def time_pages(self, *pages):
        """Median client time and logged query count of each (session, path), requests interleaved."""
        for session, path in pages:
            for _warm in range(WARMUP):
                session.get(self.url(path), timeout=60).raise_for_status()
        since = self.log_size()
        times = [[] for _page in pages]
        for _run in range(REPEAT):
            for index, (session, path) in enumerate(pages):
                t0 = time.perf_counter()
                response = session.get(self.url(path), timeout=60)
                times[index].append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
        time.sleep(0.5)  # the log line is written after the response
        results = []
        for index, (_session, path) in enumerate(pages):
            queries = self.query_counts(path, since)
            results.append((statistics.median(times[index]), statistics.median(queries) if queries else None))
        return results

    def rpc(self, session, model, method, args, kwargs=None, tag=None):
        """One JSON-RPC call as the web client makes it (``tag`` marks it in the server's log)."""
        response = session.post(
            self.url(f"/web/dataset/call_kw/{model}/{method}" + (f"?bench={tag}" if tag else "")),
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            },
            timeout=60,
        ).json()
        assert "error" not in response, str(response)[:500]
        return response["result"]
