"""Read a test log and print "passed failed skipped" (or a report) for scripts/test.sh.

Usage: count_results.py unittest LOG | odoo LOG | install LOG | odoo-report LOG
  unittest, odoo: the tests of the log, counted
  install: one check, "the install log is clean": no warning or error before the
           tests start, and the run reached its test summary
"""

import re
import sys

ENTRY = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)"
)
ODOO_SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
POST_TESTS = "Starting post tests"


def unittest_counts(text):
    ran = re.search(r"^Ran (\d+) tests?", text, re.MULTILINE)
    if not ran:
        return 0, 1, 0  # crashed before reporting
    outcome = dict.fromkeys(("failures", "errors", "skipped", "expected failures"), 0)
    for key, number in re.findall(
        r"(failures|errors|skipped|expected failures)=(\d+)", text.split(ran.group(0))[-1]
    ):
        outcome[key] = int(number)
    failed = outcome["failures"] + outcome["errors"]
    if not failed and not re.search(r"^OK\b", text, re.MULTILINE):
        failed = 1
    skipped = outcome["skipped"]
    return int(ran.group(1)) - failed - skipped, failed, skipped


def odoo_entries(text):
    """Yield (level, logger, message, continuation lines) for each log entry."""
    entry = None
    for line in text.splitlines():
        match = ENTRY.match(line)
        if match:
            if entry:
                yield entry
            entry = (match["level"], match["logger"], match["msg"], [])
        elif entry:
            entry[3].append(line)
    if entry:
        yield entry


def odoo_analysis(text):
    install_warnings, problems, skips = [], [], []
    summary = None
    in_tests = False
    for level, logger, msg, more in odoo_entries(text):
        if POST_TESTS in msg or ".tests." in logger:
            in_tests = True
        found = ODOO_SUMMARY.search(msg)
        if found:
            summary = tuple(int(n) for n in found.groups())
            continue
        if re.match(r"skipped .* : ", msg) or msg.startswith("skipped "):
            skips.append(msg)
        if level in ("WARNING", "ERROR", "CRITICAL"):
            block = "\n".join([f"{level} {logger}: {msg}", *more])
            (problems if in_tests else install_warnings).append(block)
    return summary, install_warnings, problems, skips


def odoo_counts(text):
    summary, _install_warnings, _problems, skips = odoo_analysis(text)
    if summary is None:
        return 0, 1, 0
    failed, errors, run = summary
    skipped = len(skips)
    passed = run - failed - errors - skipped
    return passed, failed + errors, skipped


def install_counts(text):
    summary, install_warnings, _problems, _skips = odoo_analysis(text)
    clean = summary is not None and not install_warnings
    return int(clean), int(not clean), 0


def odoo_report(text):
    summary, install_warnings, problems, skips = odoo_analysis(text)
    for block in install_warnings:
        print("  install warning:", block)
    for block in problems:
        if block.startswith(("ERROR", "CRITICAL")):
            print("  ", block)
    for msg in skips:
        print("  ", msg)
    if summary is None:
        print("  no test summary in the log: the run did not reach the tests")
    else:
        failed, errors, run = summary
        print(f"  Odoo: {run} tests ran, {failed} failed, {errors} errors, {len(skips)} skipped")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    if mode == "unittest":
        print(*unittest_counts(text))
    elif mode == "odoo":
        print(*odoo_counts(text))
    elif mode == "install":
        print(*install_counts(text))
    else:
        odoo_report(text)


if __name__ == "__main__":
    main()
