"""A real SMTP server for the tests that prove mail arrives: aiosmtpd on 127.0.0.1.

`smtp_server` (a fixture, in conftest) starts one on a free port, points Django's default
mailer at it, and collects what it is sent, parsed; `stop()` takes it away mid-test, as a
mail server that goes down would, and `start()` brings it back on the same port.
"""

import asyncio
import email
import socket
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collect:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: set[str] = set()  # addresses answered "550 no such user"
        self.delay = 0.0  # seconds each message takes to be accepted, as a busy server's

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self._handler = _Collect()
        self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self._handler.messages

    def refuse(self, *addresses: str) -> None:
        self._handler.refused.update(a.lower() for a in addresses)

    def slow_down(self, seconds: float) -> None:
        self._handler.delay = seconds

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        return self._handler.envelopes

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailers(self) -> dict:
        """Django 6.1's MAILERS, pointed at this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }
