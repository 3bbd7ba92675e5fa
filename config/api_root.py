from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

# The endpoints a script starts from, by URL name; each app registers its own routes.
API_ENTRY_POINTS = {
    "sources": "api-source-list",
    "sections": "api-section-list",
    "passages": "api-passage-list",
    "themes": "api-theme-list",
    "tags": "api-tag-list",
    "excerpts": "api-excerpt-list",
    "annotations": "api-annotation-list",
    "kwic": "api-kwic",
    "cooccurrence": "api-cooccurrence",
    "themes_by_source": "api-themes-by-source",
    "themes_by_chapter": "api-themes-by-chapter",
    "agreement": "api-agreement",
    "coding_status": "api-coding-status-list",
    "disagreement_memos": "api-disagreement-memo-list",
    "codebook_qdc": "api-export-codebook",
    "project_qdpx": "api-export-project",
    "tokens": "api-auth-token-list",
    "schema": "api-schema",
    "docs": "api-docs",
}


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request: Request) -> Response:
    links = {}
    for name, url_name in API_ENTRY_POINTS.items():
        try:
            links[name] = request.build_absolute_uri(reverse(url_name))
        except NoReverseMatch:
            continue
    return Response(links)
