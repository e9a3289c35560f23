"""The development e-mail backend: messages written to the console as a person reads them.

Django's console backend writes the raw MIME message, where a line longer than 78 characters -- every
verification or invitation link -- is quoted-printable: ``=3D`` for ``=`` and broken across lines, so
the link cannot be copied. This one writes the headers that matter and the text as it is.
"""

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend


class ConsoleBackend(EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            *([f"Cc: {', '.join(message.cc)}"] if message.cc else []),
            f"Subject: {message.subject}",
            "",
            str(message.body),
            "-" * 79,
        ]
        self.stream.write("\n".join(lines) + "\n")
