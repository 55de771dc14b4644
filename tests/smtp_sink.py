"""A minimal SMTP server on loopback that keeps what it receives (tests only)."""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ready")
        envelope = {"from": None, "to": [], "data": b""}
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-sink\r\n250 8BITMIME")
            elif verb in ("HELO", "RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "MAIL":
                envelope = {"from": command[10:].strip("<> "), "to": [], "data": b""}
                self.reply("250 ok")
            elif verb == "RCPT":
                envelope["to"].append(command[8:].strip("<> "))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                chunks = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    chunks.append(chunk)
                envelope["data"] = b"".join(chunks)
                self.server.messages.append(envelope)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SmtpSink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), _Handler)
        self.messages = []

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
