"""Mail printed in the terminal as people read it (development's default): the headers decoded
and the plain-text part as text, where Django's own console shows encoded MIME (base64 for
Chinese)."""

from email import message_from_bytes, policy

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

SHOWN = ("From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post")


class EmailBackend(ConsoleBackend):
    def write_message(self, message) -> None:
        parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
        headers = [f"{name}: {parsed[name]}" for name in SHOWN if parsed[name]]
        body = parsed.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        parts = [part.get_content_type() for part in parsed.walk() if not part.is_multipart()]
        self.stream.write("\n".join(headers) + f"\nParts: {', '.join(parts)}\n\n{text}\n")
        self.stream.write("-" * 79 + "\n")
