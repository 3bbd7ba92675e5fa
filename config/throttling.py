"""Who is asking, for every limit on requests: the API's throttles and the login lockout.

A client's address is ``REMOTE_ADDR`` unless ``NUM_PROXIES`` reverse proxies are
configured in front of the app: then it is the address the outermost of them saw,
counted from the right of ``X-Forwarded-For`` (the left part is whatever the client
sent, so trusting it would let a client pick a new address, and a fresh limit, per
request).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from rest_framework import throttling


def client_address(request: HttpRequest) -> str:
    remote_address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not settings.NUM_PROXIES or not forwarded:
        return remote_address
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(settings.NUM_PROXIES, len(addresses))]


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class OptionalRateMixin:
    """A scope with no rate configured is not limited (as a rate of None is)."""

    def get_rate(self) -> str | None:
        return self.THROTTLE_RATES.get(self.scope)


class TokenAddressThrottle(OptionalRateMixin, ClientAddressMixin, throttling.SimpleRateThrottle):
    """Token requests per client address: each checks a password, which is slow on purpose."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUsernameThrottle(OptionalRateMixin, throttling.SimpleRateThrottle):
    """Token requests per username, from any address: guessing one account's password
    from many addresses is limited too."""

    scope = "token_username"

    def get_cache_key(self, request, view) -> str | None:
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        # Hashed: a cache key must not hold whatever characters were sent.
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
