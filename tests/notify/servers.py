"""Real servers on 127.0.0.1 for delivery tests: SMTP (aiosmtpd) and a tiny HTTP endpoint."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.header import decode_header, make_header
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collector:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """What the server received; it refuses recipients named nobody@…"""

    def __init__(self, controller: Controller, collector: _Collector) -> None:
        self.controller = controller
        self.collector = collector
        self.host = "127.0.0.1"
        self.port = controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.original_content, policy=email.policy.default)
            for e in self.collector.envelopes
        ]

    @property
    def subjects(self) -> list[str]:
        """Subjects decoded as a mail client does (RFC 2047 words joined, folding dropped).

        Django folds a long encoded subject onto a continuation line; the modern parser
        keeps that fold's space in front of the text, which no reader ever sees.
        """
        return [
            str(make_header(decode_header(email.message_from_bytes(e.original_content)["Subject"])))
            for e in self.collector.envelopes
        ]

    @property
    def recipients(self) -> list[list[str]]:
        return [list(e.rcpt_tos) for e in self.collector.envelopes]


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port(), ready_timeout=5)
    controller.start()
    try:
        yield SmtpServer(controller, collector)
    finally:
        controller.stop()


class HttpCapture:
    """Requests an HTTP endpoint received; it answers every POST with `status`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.url = ""

    def json(self, index: int = -1) -> dict:
        return json.loads(self.requests[index]["body"])


@contextmanager
def running_http_server(status: int = 200) -> Iterator[HttpCapture]:
    capture = HttpCapture()
    capture.status = status

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            capture.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": self.rfile.read(length).decode("utf-8"),
                }
            )
            self.send_response(capture.status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format, *args) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    capture.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield capture
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
