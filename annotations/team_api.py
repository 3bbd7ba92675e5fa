"""Team coding in the REST API: coding status, agreement, adopting a tag, memos on
disagreements. Mounted under /api/ by config/urls.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api import _tag_data
from annotations.models import DisagreementMemo, Tag, Theme
from annotations.permissions import IsTagger, ReadPublicOrAuthenticated
from annotations.serializers import TagSerializer
from annotations.team_forms import AgreementQueryForm, CodersField
from annotations.team_selectors import (
    agreement_compute,
    coder_list,
    section_coding_list,
    section_coding_status,
)
from annotations.team_serializers import (
    AgreementSerializer,
    DisagreementMemoCreateSerializer,
    DisagreementMemoSerializer,
    SectionCodingSerializer,
    SectionCodingStatusSerializer,
)
from annotations.team_services import (
    disagreement_memo_create,
    section_coding_mark,
    section_coding_unmark,
    tag_adopt,
)
from config.api_errors import ApiErrorSerializer, form_valid_or_400
from config.filters import ExistingChoiceFilter, SlugChoiceFilter
from corpus.models import Section, Source

ERRORS = {400: ApiErrorSerializer, 401: ApiErrorSerializer, 403: ApiErrorSerializer}


# --- Coding status --------------------------------------------------------------


class SectionCodingFilter(filters.FilterSet):
    source = SlugChoiceFilter(field_name="section__source", queryset=Source.objects.all(),
                              noun="source", help_text="Only sections of this source (slug).")
    section = ExistingChoiceFilter(queryset=Section.objects.all(), to_field_name="id",
                                   noun="section", help_text="Only this section, by id.")
    coder = ExistingChoiceFilter(field_name="user", queryset=coder_list(),
                                 to_field_name="username", noun="coder",
                                 help_text="Only this coder's marks (username).")


@extend_schema_view(
    get=extend_schema(
        summary="Who has finished coding which section",
        description="One row per done mark, in reading order of the sections.",
    )
)
class SectionCodingListView(generics.ListAPIView):
    serializer_class = SectionCodingSerializer
    filterset_class = SectionCodingFilter

    def get_queryset(self) -> QuerySet:
        return section_coding_list()


@extend_schema_view(
    get=extend_schema(summary="A section's coding status",
                      description="Who has marked the section done."),
    put=extend_schema(
        summary="Mark a section done (by you)",
        description="No body. 201 the first time, 200 if you had already marked it. "
        "Researchers and staff only.",
        request=None,
        responses={200: SectionCodingStatusSerializer, 201: SectionCodingStatusSerializer,
                   **ERRORS},
    ),
    delete=extend_schema(
        summary="Unmark a section (yours)",
        description="Takes back your done mark; 204 whether or not there was one.",
        responses={204: None, **ERRORS},
    ),
)
class SectionCodingView(APIView):
    permission_classes = [ReadPublicOrAuthenticated | IsTagger]
    serializer_class = SectionCodingStatusSerializer

    def _section(self, pk: int) -> Section:
        return get_object_or_404(Section, pk=pk)

    def get(self, request: Request, pk: int) -> Response:
        status = section_coding_status(section=self._section(pk))
        return Response(SectionCodingStatusSerializer(status).data)

    def put(self, request: Request, pk: int) -> Response:
        section = self._section(pk)
        result = section_coding_mark(user=request.user, section=section)
        status = section_coding_status(section=section)
        return Response(SectionCodingStatusSerializer(status).data,
                        status=201 if result.created else 200)

    def delete(self, request: Request, pk: int) -> Response:
        section_coding_unmark(user=request.user, section=self._section(pk))
        return Response(status=204)


# --- Agreement ------------------------------------------------------------------


@extend_schema(
    summary="Inter-coder agreement per theme",
    description="Krippendorff's alpha (nominal, two values), Cohen's kappa (exactly two "
    "coders) and percent agreement, per theme and overall, at two levels. **Passages**: "
    "each passage in scope (body and notes) is a unit, and a coder's value for a theme is "
    "whether they applied it anywhere in the passage. **Characters**: each character of "
    "those passages is a unit, and the value is whether the coder's tags of the theme "
    "cover it (a whole-passage tag covers all of it). `overall` pools every (theme, unit) "
    "pair as one unit. A figure is null where it is undefined (no variation). Without "
    "`source` or `section`, only the sections every coder has marked done are counted.",
    parameters=[
        # An array: the agreement page's checkboxes send one parameter per coder.
        OpenApiParameter("coders", OpenApiTypes.STR, required=True, many=True,
                         description="Two or more usernames, comma-separated (`rosa,karl`) "
                         "or repeated (`coders=rosa&coders=karl`)."),
        OpenApiParameter("source", OpenApiTypes.STR,
                         description="All passages of this source (slug), done or not."),
        OpenApiParameter("section", OpenApiTypes.INT,
                         description="All passages of this section (id), done or not."),
    ],
    responses={200: AgreementSerializer, **ERRORS},
)
class AgreementView(APIView):
    permission_classes = [ReadPublicOrAuthenticated]

    def get(self, request: Request) -> Response:
        form = form_valid_or_400(AgreementQueryForm(request.query_params))
        result = agreement_compute(**form.cleaned_data)
        return Response(AgreementSerializer(result).data)


# --- Settling disagreements -----------------------------------------------------


@extend_schema(
    summary="Adopt another coder's tag as your own",
    description="Creates your own tag with the same theme on the same words (or the whole "
    "passage). Idempotent: 201 the first time, 200 with the same copy after.",
    request=None,
    responses={200: TagSerializer, 201: TagSerializer, **ERRORS},
)
class TagAdoptView(APIView):
    permission_classes = [IsTagger]

    def post(self, request: Request, pk: int) -> Response:
        tag = get_object_or_404(Tag.objects.select_related("theme"), pk=pk)
        result = tag_adopt(user=request.user, tag=tag)
        return Response(_tag_data(pk=result.tag.pk, context={"request": request}),
                        status=201 if result.created else 200)


class DisagreementMemoFilter(filters.FilterSet):
    section = ExistingChoiceFilter(field_name="passage__section", queryset=Section.objects.all(),
                                   to_field_name="id", noun="section",
                                   help_text="Only memos on passages of this section (id).")
    theme = SlugChoiceFilter(queryset=Theme.objects.all(), noun="theme",
                             help_text="Only memos on this theme (slug).")


@extend_schema_view(
    get=extend_schema(summary="Memos on disagreements",
                      description="Oldest first; a memo whose passage a reload replaced has "
                      "`passage` null."),
    post=extend_schema(
        summary="Write a memo on a disagreement",
        description="On two coders' disagreement about a theme in a passage. Researchers and "
        "staff only.",
        request=DisagreementMemoCreateSerializer,
        responses={201: DisagreementMemoSerializer, **ERRORS},
    ),
)
class DisagreementMemoListView(generics.ListCreateAPIView):
    permission_classes = [ReadPublicOrAuthenticated | IsTagger]
    serializer_class = DisagreementMemoSerializer
    filterset_class = DisagreementMemoFilter

    def get_queryset(self) -> QuerySet[DisagreementMemo]:
        return DisagreementMemo.objects.select_related(
            "source", "theme", "coder_a", "coder_b", "author"
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = DisagreementMemoCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        coders = CodersField(minimum=2, maximum=2)
        try:
            pair = coders.clean(data["coders"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"coders": list(error.messages)}) from error
        memo = disagreement_memo_create(author=request.user, passage=data["passage"],
                                        theme=data["theme"], coders=tuple(pair),
                                        text=data["text"])
        return Response(
            DisagreementMemoSerializer(self.get_queryset().get(pk=memo.pk)).data, status=201
        )


urlpatterns = [
    path("coding-status/", SectionCodingListView.as_view(), name="api-coding-status-list"),
    path("sections/<int:pk>/coding/", SectionCodingView.as_view(), name="api-section-coding"),
    path("agreement/", AgreementView.as_view(), name="api-agreement"),
    path("tags/<int:pk>/adopt/", TagAdoptView.as_view(), name="api-tag-adopt"),
    path("disagreement-memos/", DisagreementMemoListView.as_view(),
         name="api-disagreement-memo-list"),
]
