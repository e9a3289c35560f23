"""The console e-mail backend of `make run`: a link in a message can be copied from the console."""

import io

from django.core.mail import EmailMessage

from core.mail import ConsoleBackend

LINK = "http://localhost:8000/verify-email?token=" + "eyJ1aWQiOiJmZjk2NDY1Zi0wMDNkLTQ5MD" * 4 + "%3A1xWPr0"


def test_a_long_link_is_written_whole_and_as_is() -> None:
    """GIVEN a message whose link is far longer than a MIME line WHEN it is "sent" THEN the console shows
    the link on one line, unencoded (Django's own console backend would write it quoted-printable)."""
    stream = io.StringIO()
    message = EmailMessage(
        subject="Verify your e-mail", body=f"Hello Ada,\n\n{LINK}\n", from_email="a@x.org", to=["ada@x.org"]
    )

    assert ConsoleBackend(stream=stream).send_messages([message]) == 1

    written = stream.getvalue()
    assert f"\n{LINK}\n" in written
    assert "To: ada@x.org\nSubject: Verify your e-mail\n" in written
    assert "=3D" not in written
