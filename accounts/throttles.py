"""Rate limits on the endpoints that guess passwords or send e-mail, per client address."""

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class _PerAddressThrottle(SimpleRateThrottle):
    """Counts every attempt from an address, signed in or not: the point is to slow guessing."""

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(_PerAddressThrottle):
    scope = "login"


class SignupThrottle(_PerAddressThrottle):
    scope = "signup"


class EmailThrottle(_PerAddressThrottle):
    scope = "email"
