"""Real servers on 127.0.0.1 for the channel tests: SMTP (aiosmtpd, STARTTLS or implicit TLS with a
certificate made here by trustme, AUTH) and a scripted HTTP server answering like Slack's webhooks and
Meta's Graph API do, error bodies included."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "owner@shreeganesh.example", "app-password-from-the-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpBehaviour:
    """What the server does: refuse some recipients (code, text), drop the connection once after DATA..."""

    refuse: dict[str, str] = field(default_factory=dict)  # address -> "550 5.7.1 Relaying denied"
    drop_after_data: int = 0  # drop the connection (no reply) for the first N messages
    data_reply: str | None = None  # e.g. "452 4.2.2 Mailbox full" instead of accepting
    hold: threading.Event | None = None  # while not set, the Nth message's answer is held back (a slow server)
    hold_at: int = 1
    arrived: threading.Event = field(default_factory=threading.Event)


class _Handler:
    def __init__(self, behaviour: SmtpBehaviour, received: list[Received]):
        self.behaviour, self.received = behaviour, received

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.behaviour.refuse:
            return self.behaviour.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.behaviour.hold is not None and len(self.received) == self.behaviour.hold_at:
            self.behaviour.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.behaviour.hold.wait, 60)
        if self.behaviour.drop_after_data > 0:
            self.behaviour.drop_after_data -= 1
            server.transport.abort()  # the whole message arrived; the client never hears back
            return "250 never sent"
        if self.behaviour.data_reply:
            return self.behaviour.data_reply
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
        and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False, message=None if ok else "535 5.7.8 Username and Password not "
                      "accepted. Learn more at https://support.google.com/mail/?p=BadCredentials")


class SmtpServer:
    """aiosmtpd on 127.0.0.1 with STARTTLS (or implicit TLS), AUTH required over TLS."""

    def __init__(self, tmp: Path, *, implicit_tls: bool = False, starttls: bool = True,
                 behaviour: SmtpBehaviour | None = None):
        self.ca = trustme.CA()
        self.ca_file = tmp / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self.received: list[Received] = []
        self.behaviour = behaviour or SmtpBehaviour()
        self.port = free_port()
        kwargs: dict = {"authenticator": _authenticator, "auth_require_tls": True}
        if implicit_tls:  # the whole connection is TLS; aiosmtpd only tracks STARTTLS, so AUTH is allowed outright
            kwargs.update(ssl_context=context, auth_require_tls=False)
        elif starttls:
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs["auth_require_tls"] = False
        self.controller = Controller(_Handler(self.behaviour, self.received), hostname="127.0.0.1", port=self.port,
                                     **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


Reply = tuple[int, dict[str, str], str]  # status, headers, body


class HttpServer:
    """Answers POSTs from a script of replies (the last one repeats); records every request."""

    def __init__(self, replies: list[Reply] | None = None, *, before_reply: Callable[[Request], None] | None = None):
        self.replies = list(replies or [(200, {}, "ok")])
        self.requests: list[Request] = []
        self.before_reply = before_reply
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.path, dict(self.headers), self.rfile.read(length))
                outer.requests.append(request)
                if outer.before_reply:
                    outer.before_reply(request)
                status, headers, body = outer.replies.pop(0) if len(outer.replies) > 1 else outer.replies[0]
                data = body.encode()
                try:
                    self.send_response(status)
                    for key, value in {"Content-Type": "text/plain", **headers}.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client was killed while we held the answer back
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def graph_error(code: int, message: str, details: str, status: int = 400, subcode: int | None = None) -> Reply:
    """A Graph API error answer as Meta documents it."""
    error = {"message": message, "type": "OAuthException", "code": code,
             "error_data": {"messaging_product": "whatsapp", "details": details}, "fbtrace_id": "AbCdEfGh123"}
    if subcode:
        error["error_subcode"] = subcode
    return status, {"Content-Type": "application/json"}, json.dumps({"error": error})


def graph_ok(to: str, wamid: str = "wamid.HBgMOTE5ODEyMzQ1Njc4FQIAERgSQTEwQkU2") -> Reply:
    return 200, {"Content-Type": "application/json"}, json.dumps({
        "messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": wamid, "message_status": "accepted"}]})
