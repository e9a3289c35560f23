"""Rate limits of the team endpoints that send e-mail to addresses a member types in."""

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class InvitationThrottle(SimpleRateThrottle):
    """Invitation e-mails (new and resent) per team, so that a team cannot be used to spam strangers.

    Checked after the permission layer: only the team's own managers' sends count.
    """

    scope = "invitations"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs["team_id"]}
