"""Screenshots of the demo server's portal pages in headless Chromium (for the README).

Usage: python scripts/screenshot.py BASE_URL LOGIN PASSWORD OUT.png PATH [WIDTH] [STEP...]
Logs in through /web/login, opens PATH at WIDTH px (default 1280), runs the steps one
after the other (a CSS selector to click, or ``js:`` and JavaScript to run, e.g. to fill
a field), hides the page footer (the README shows our pages, not the copyright line and
its logo), and writes a PNG: of the whole page, or of the window when steps were run
(a dialog is shown in the window).
"""

import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import websocket


def login(base, user, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/web/login").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"login": user, "password": password, "csrf_token": csrf}).encode()
    opener.open(f"{base}/web/login", data)
    return next(c.value for c in jar if c.name == "session_id")


class Browser:
    def __init__(self, width):
        self.profile = tempfile.mkdtemp()
        chrome = shutil.which("chromium") or shutil.which("google-chrome")
        self.proc = subprocess.Popen(
            [
                chrome,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=9333",
                "--remote-allow-origins=*",
                f"--window-size={width},900",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(50):
            try:
                targets = json.load(urllib.request.urlopen("http://127.0.0.1:9333/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"])
        self.seq = 0
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=width < 600,
        )

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.seq:
                return message.get("result", {})

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    base, user, password, out, path = sys.argv[1:6]
    width = int(sys.argv[6]) if len(sys.argv) > 6 else 1280
    steps = sys.argv[7:]
    session = login(base, user, password)
    browser = Browser(width)
    try:
        host = urllib.parse.urlparse(base).hostname
        browser.call("Network.enable")
        browser.call("Network.setCookie", name="session_id", value=session, domain=host, path="/")
        browser.call("Page.enable")
        browser.call("Page.navigate", url=base + path)
        time.sleep(3)
        browser.call(
            "Runtime.evaluate",
            expression="for (const f of document.querySelectorAll('footer')) { f.style.display = 'none'; }",
        )
        for step in steps:
            code = (
                step[3:] if step.startswith("js:") else f"document.querySelector({json.dumps(step)}).click()"
            )
            browser.call("Runtime.evaluate", expression=code)
            time.sleep(1.5)
        height = browser.call(
            "Runtime.evaluate", expression="document.documentElement.scrollHeight", returnByValue=True
        )["result"]["value"]
        if steps:
            height = 900 if width >= 600 else 800
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=min(height, 2400),
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        time.sleep(0.5)
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=not steps)
        with open(out, "wb") as png:
            png.write(base64.b64decode(shot["data"]))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
