"""API tokens: get one with a password, list yours, revoke any of them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.models import ApiToken
from annotations.selectors import api_token_list
from annotations.serializers import (
    ApiTokenSerializer,
    IssuedTokenSerializer,
    TokenRequestSerializer,
)
from annotations.services import API_TOKENS_PER_USER, api_token_issue, api_token_revoke
from config.parsers import DepthLimitedJSONParser
from config.throttling import TokenAddressThrottle, TokenUsernameThrottle


@extend_schema(
    summary="Get an API token",
    description="Send a username and password (and, if you like, a `name` for the token); "
    "use the token as `Authorization: Token <key>`. The key is shown only now: only a "
    f"digest is kept. You may hold {API_TOKENS_PER_USER} tokens under different names; "
    "asking again for a name you have replaces its token. Limited per address and per "
    "username, since each request checks a password.",
    request=TokenRequestSerializer,
    responses={201: IssuedTokenSerializer},
    examples=[
        OpenApiExample(
            "Credentials", request_only=True,
            value={"username": "rosa", "password": "correct horse battery staple",
                   "name": "laptop"},
        )
    ],
)
class TokenView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [TokenAddressThrottle, TokenUsernameThrottle]
    # Also a form, as `curl --data-urlencode` sends a password safely from a shell; the
    # serializer reads it as the JSON object it stands for (config/serializers.py).
    parser_classes = [DepthLimitedJSONParser, FormParser]

    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        issued = api_token_issue(
            user=serializer.validated_data["user"], name=serializer.validated_data["name"]
        )
        body = {**ApiTokenSerializer(issued.token).data, "token": issued.key}
        return Response(IssuedTokenSerializer(body).data, status=201)


class OwnTokensMixin:
    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular, with no user
            return ApiToken.objects.none()
        return api_token_list(user=self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="Your API tokens",
        description="Newest first; the keys themselves are never shown again, only their "
        "first characters.",
    )
)
class TokenListView(OwnTokensMixin, generics.ListAPIView):
    pass


@extend_schema_view(
    delete=extend_schema(
        summary="Revoke one of your API tokens", description="It stops working at once."
    )
)
class TokenDetailView(OwnTokensMixin, generics.DestroyAPIView):
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        try:
            api_token_revoke(user=request.user, token_id=self.kwargs["pk"])
        except ApiToken.DoesNotExist:
            raise Http404 from None
        return Response(status=204)


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-auth-token-list"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-auth-token-detail"),
]
