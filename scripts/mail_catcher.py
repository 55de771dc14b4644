"""make demo's mail catcher: an SMTP server on 127.0.0.1 that keeps every email as files.

Usage: python scripts/mail_catcher.py FOLDER PORT

Every email Odoo sends is written to FOLDER as NNNN.eml (as received, for a mail program)
and NNNN.html (its HTML part, whose links open the demo in a browser), and FOLDER/index.html
lists them, newest first. Nothing is relayed anywhere. Stops on SIGTERM or Ctrl-C.
"""

import email
import email.policy
import html
import json
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller

INDEX_HEAD = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Demo emails</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 12px;text-align:left}
tr:nth-child(even){background:#f4f4f4}</style></head><body>
<h1>Emails sent by the demo</h1>
<p>Newest first. Each opens as the recipient reads it; its links lead to the demo
(<code>make demo</code> must be running). Reload this page for new ones.</p>
<table><tr><th>#</th><th>received</th><th>to</th><th>subject</th><th></th></tr>
"""


class Keeper:
    """aiosmtpd handler: each message accepted is kept as files, and the index rewritten."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.entries_file = self.folder / "index.json"
        self.entries = json.loads(self.entries_file.read_text()) if self.entries_file.exists() else []

    async def handle_DATA(self, server, session, envelope):
        self.keep(envelope.content, envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def keep(self, raw, recipients):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            number = len(self.entries) + 1
            stem = f"{number:04d}"
            (self.folder / f"{stem}.eml").write_bytes(raw)
            (self.folder / f"{stem}.html").write_text(self.readable(message), encoding="utf-8")
            self.entries.append(
                {
                    "number": number,
                    "received": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
                    "to": ", ".join(recipients),
                    "subject": str(message.get("subject", "")),
                    "file": f"{stem}.html",
                    "eml": f"{stem}.eml",
                }
            )
            self.entries_file.write_text(json.dumps(self.entries, indent=1))
            self.write_index()

    @staticmethod
    def readable(message):
        """The email's HTML part (its text in a <pre> when it has none), with its headers on top."""
        part = message.get_body(preferencelist=("html", "plain"))
        content = part.get_content() if part else ""
        if part is None or part.get_content_type() != "text/html":
            content = f"<pre>{html.escape(content)}</pre>"
        headers = "".join(
            f"<div><b>{name}:</b> {html.escape(str(message.get(name, '')))}</div>"
            for name in ("From", "To", "Subject", "Date")
        )
        attachments = [a.get_filename() for a in message.iter_attachments() if a.get_filename()]
        if attachments:
            headers += f"<div><b>Attached:</b> {html.escape(', '.join(attachments))}</div>"
        banner = f'<div style="font-family:sans-serif;background:#eee;padding:8px">{headers}</div>'
        return f'<meta charset="utf-8">{banner}{content}'

    def write_index(self):
        rows = "".join(
            "<tr><td>{number}</td><td>{received}</td><td>{to}</td>"
            '<td><a href="{file}">{subject}</a></td><td><a href="{eml}">.eml</a></td></tr>\n'.format(
                **{key: html.escape(str(value)) for key, value in entry.items()}
            )
            for entry in reversed(self.entries)
        )
        (self.folder / "index.html").write_text(
            f"{INDEX_HEAD}{rows}</table></body></html>\n", encoding="utf-8"
        )


def main():
    folder, port = sys.argv[1], int(sys.argv[2])
    keeper = Keeper(folder)
    keeper.write_index()
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mail catcher: smtp://127.0.0.1:{port}, emails in {folder}/index.html", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
