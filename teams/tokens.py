"""The signed tokens of invitation links: the invitation's id, signed with a salt and timestamped.

The signature makes the id unforgeable and the link unguessable; single use is enforced by the
invitation row (``accepted_at``), not by the token.
"""

from datetime import timedelta

from django.core import signing

INVITATION_SALT = "teams.invitation"
INVITATION_TTL = timedelta(days=7)


class InvalidToken(Exception):
    """Not a token we signed."""


def invitation_token(invitation_id: str) -> str:
    return signing.dumps({"invitation": invitation_id}, salt=INVITATION_SALT)


def invitation_id_from_token(token: str) -> tuple[str, bool]:
    """The invitation id and whether the link is older than ``INVITATION_TTL``."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_TTL)
        link_expired = False
    except signing.SignatureExpired:
        data = signing.loads(token, salt=INVITATION_SALT)  # the signature is good; the link is only old
        link_expired = True
    except signing.BadSignature as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict) or not isinstance(data.get("invitation"), str):
        raise InvalidToken
    return data["invitation"], link_expired
