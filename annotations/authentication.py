"""``Authorization: Token <key>`` against the named, digest-stored tokens of ``ApiToken``."""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from annotations.models import ApiToken
from annotations.selectors import api_token_for_key
from annotations.services import api_token_touch


class ApiTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = api_token_for_key(key=key)
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        api_token_touch(token=token)
        return token.user, token
