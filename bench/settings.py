"""What every part of the benchmark shares: sizes, repetitions, the targets, the environment."""

import re
from datetime import datetime

from odoo import SUPERUSER_ID, api

SIZES = (100, 1_000, 10_000)
CUSTOMERS = 100
REPEAT = 15  # timed runs per page, after warm-up
WARMUP = 8  # untimed runs per page first: two per worker
SERVER_WORKERS = 4
TZ = "Europe/Brussels"  # the customers' time zone
SLOT_DAY_AHEAD = 21  # the day whose free times are asked for: 3 weeks ahead, a weekday
CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "no_mail_to_attendees": True,
}
# werkzeug's line, as Odoo logs it: "GET /path HTTP/1.1" status - queries sql_time other_time
LOG_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/1\.1" (\d+) - (\d+) ([\d.]+) ([\d.]+)')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# The speed targets (issue 18, "One answer everywhere", and those met before it).
TARGETS = {
    "list": 1.15,  # /my/bookings within 1.15x of /my/orders, at every size
    "calendar": 1.15,  # /my/bookings/calendar within 1.15x of /my/orders, at every size
    "slots_ms": 150.0,  # free times, median, at 10,000 bookings
    "fee_floor": 1.15,  # customer cancellation with a posted fee invoice / (Cancel button + invoice)
    "no_fee": 1.1,  # customer cancellation without fee / Odoo's Cancel button
    "bulk": 11.0,  # 1,000 approvals / 100 approvals
    "bulk_ms": 60.0,  # bulk approval, ms per request, at 100 and at 1,000
    "load": 1.5,  # 20 customers' POSTs at once: our median / Odoo's quotation signing's median
    "waitlist_ms": 200.0,  # matching a freed time, 1,000 wishes, 10,000 bookings
}


def superuser_env(cr):
    return api.Environment(cr, SUPERUSER_ID, dict(CONTEXT))


def group_ids_field():
    """A user's groups: groups_id in 18.0, group_ids in 19.0 (asked once the addons are importable)."""
    from odoo.addons.booking_change_request.tools.compat import GROUP_IDS

    return GROUP_IDS


def csrf_token(page):
    """The CSRF token of a portal page's form."""
    return CSRF.search(page).group(1)


def log(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)
