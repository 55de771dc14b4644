"""Screenshots of the backend for the README, from a running `make demo`.

Usage (in the virtualenv of scripts/requirements-screenshots.txt):
    .cache/screenshots-venv/bin/python scripts/backend_screenshots.py [BASE_URL] [OUT_DIR]

Playwright drives the Chromium that `make setup` installs (/usr/bin/chromium, or CHROMIUM);
it downloads no browser. At 1280 px it takes, as admin (a reviewer): a pending request's
form, its Deny dialog (then discarded), the Cancel booking dialog of an order (discarded),
and, as the field worker walker, the week of their calendar holding the cancelled visit.
Nothing is changed in the demo.
"""

import os
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
OUT = sys.argv[2] if len(sys.argv) > 2 else "static/description/screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SIZE = {"width": 1280, "height": 800}


def login(page, user):
    page.goto(f"{BASE}/web/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", user)
    page.click("button[type=submit]")
    page.wait_for_url("**/odoo**")


def record_id(page, xmlid):
    module, name = xmlid.split(".")
    response = page.request.post(
        f"{BASE}/web/dataset/call_kw/ir.model.data/check_object_reference",
        data={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "ir.model.data",
                "method": "check_object_reference",
                "args": [module, name],
                "kwargs": {},
            },
        },
    )
    return response.json()["result"][1]


def settle(page):
    # not "networkidle": the backend keeps its bus connection open
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)


def shoot(page, name):
    path = os.path.join(OUT, name)
    page.screenshot(path=path)
    print(path)


def reviewer(browser):
    page = browser.new_page(viewport=SIZE)
    page.set_default_timeout(120_000)  # the first page builds its assets
    login(page, "admin")
    request = record_id(page, "booking_change_request.request_visit_pending_demo")
    page.goto(f"{BASE}/odoo/action-booking_change_request.booking_change_request_action/{request}")
    page.wait_for_selector(".o_form_view button[name=action_open_deny_wizard]")
    settle(page)
    shoot(page, "backend_request_form.png")

    page.click(".o_form_view button[name=action_open_deny_wizard]")
    page.fill(
        ".modal .o_field_widget[name=note] textarea", "Nobody is free that evening; Tuesday morning suits us."
    )
    page.click(".modal .o_field_widget[name=subject] input")
    page.wait_for_selector(".modal .o_field_widget[name=body] :text('Tuesday morning')")
    settle(page)
    shoot(page, "backend_deny_dialog.png")
    page.click(".modal .modal-footer button:has-text('Discard')")

    order = record_id(page, "booking_change_request.order_alice_demo")
    page.goto(f"{BASE}/odoo/action-sale.action_orders/{order}")
    page.click(".o_form_view .o_statusbar_buttons button[name=action_booking_cancel]")
    page.wait_for_selector(".modal .o_field_widget[name=fee_amount]")
    settle(page)
    shoot(page, "backend_cancel_dialog.png")
    page.click(".modal .modal-footer button:has-text('Discard')")
    page.close()


def worker(browser):
    page = browser.new_page(viewport=SIZE)
    page.set_default_timeout(120_000)  # the first page builds its assets
    login(page, "walker")
    page.goto(f"{BASE}/odoo/calendar")
    page.wait_for_selector(".o_calendar_renderer")
    # the week holding the cancelled visit (eight days from the demo's creation)
    for _week in range(4):
        settle(page)
        if page.locator(".fc-event.o_attendee_status_declined").count():
            break
        page.click(".o_calendar_navigation_buttons .o_calendar_button_next, button.o_calendar_button_next")
    shoot(page, "backend_worker_calendar.png")
    page.close()


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            reviewer(browser)
            worker(browser)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
