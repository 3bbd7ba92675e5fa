import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from annotations import services, theme_services
from annotations.forms import (
    TagCreateForm,
    TagExampleForm,
    TagMemoForm,
    TagReattachForm,
    TagRestoreForm,
    ThemeEditForm,
    ThemeExcerptFilterForm,
    ThemeMemoForm,
    ThemeMergeForm,
    reader_query,
)
from annotations.models import MEMO_MAX_CHARS, Tag, Theme
from annotations.roles import user_can_edit_codebook, user_can_tag
from annotations.selectors import (
    orphan_tag_list,
    reader_passage_get,
    section_reading,
    tag_get,
    theme_chart,
    theme_excerpt_list,
    theme_list,
    theme_list_with_counts,
)
from annotations.team_selectors import section_coding_statuses
from annotations.theme_selectors import (
    codebook_tree,
    theme_change_list,
    theme_example_list,
    theme_family,
    theme_get_by_any_slug,
    theme_memo_list,
)
from config.access import read_permission_required
from corpus.models import Passage, Section, Source
from corpus.selectors import passage_get

EXCERPTS_PER_PAGE = 25
# Where a removal without JavaScript leaves its undo token for the page it goes back to.
UNDO_SESSION_KEY = "annotations.tag-undo"
REFUSAL_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found"}


def _refusal(request: HttpRequest, *, status: int, message: str) -> HttpResponse:
    """An error as a friendly page, or as a short text htmx shows in the reader."""
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    context = {"title": REFUSAL_TITLES[status], "message": message, "status": status}
    return render(request, "error.html", context, status=status)


def _form_message(form: Form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)


class Refusal(Exception):
    """Ends a tagging view with a refusal: ``_refusal``'s page or htmx message."""

    def __init__(self, *, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


View = Callable[..., HttpResponse]


def _write_view(*, permitted: Callable[..., bool], denial: str) -> Callable[[View], View]:
    """A POST-only view for those ``permitted``, whose service errors become friendly
    refusals: a ValidationError is a 400, a PermissionDenied a 403, never a 500."""

    def decorator(view: View) -> View:
        @require_POST
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return _login_needed(request)
            try:
                if not permitted(user=request.user):
                    raise PermissionDenied(denial)
                return view(request, *args, **kwargs)
            except Refusal as refusal:
                return _refusal(request, status=refusal.status, message=refusal.message)
            except ValidationError as error:
                return _refusal(request, status=400, message=" ".join(error.messages))
            except PermissionDenied as error:
                return _refusal(request, status=403, message=str(error))

        return wrapped

    return decorator


tag_write_view = _write_view(
    permitted=user_can_tag, denial="Only researchers may tag. Log in with a researcher account."
)
codebook_write_view = _write_view(
    permitted=user_can_edit_codebook,
    denial="Only researchers may change the codebook. Log in with a researcher account.",
)


def _valid_form(form: Form) -> dict:
    if not form.is_valid():
        raise Refusal(status=400, message=_form_message(form))
    return form.cleaned_data


def _passage_or_refusal(*, pk: int, status: int) -> Passage:
    passage = Passage.objects.filter(pk=pk).defer("search_vector").first()
    if passage is None:
        raise Refusal(status=status, message="There is no passage with that number.")
    return passage


def _tag_or_refusal(pk: int) -> Tag:
    try:
        return tag_get(pk=pk)
    except Tag.DoesNotExist:
        raise Refusal(status=404, message="That tag no longer exists.") from None


def _same_site(request: HttpRequest, url: str) -> bool:
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _return_url(request: HttpRequest, *, passage_id: int) -> str:
    """Where a form post without JavaScript goes back to: the page it came from."""
    target = request.headers.get("Referer", "")
    if not _same_site(request, target):
        target = reverse("annotations:passage-tagging", kwargs={"pk": passage_id})
    return f"{target.split('#')[0]}#p{passage_id}"


def _passage_of_request(request: HttpRequest) -> int | None:
    """The passage a tagging request is about, from its URL: the passage's or the tag's."""
    match = request.resolver_match
    if match is None or "pk" not in match.kwargs:
        return None
    if match.url_name == "tag-create":
        return match.kwargs["pk"]
    return Tag.objects.filter(pk=match.kwargs["pk"]).values_list("passage_id", flat=True).first()


def _login_needed(request: HttpRequest) -> HttpResponse:
    """A tagging request without a valid session: a way to log in and come back here."""
    page = request.htmx.current_url if request.htmx else request.headers.get("Referer", "")
    if not page or not _same_site(request, page):
        page = reverse("corpus:source-list")
    passage_id = _passage_of_request(request)
    back = urlsplit(page)
    here = urlunsplit(("", "", back.path, back.query, f"p{passage_id}" if passage_id else ""))
    login = f"{reverse('login')}?{urlencode({'next': here})}"
    message = "Your session has ended. Log in again to keep tagging."
    if request.htmx:
        response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
        return trigger_client_event(response, "tag-login", {"message": message, "login": login})
    context = {"message": message, "login": login}
    return render(request, "annotations/reader/login_needed.html", context, status=401)


def _reader_viewing(request: HttpRequest) -> dict:
    """The reader's filters as the page that sent an htmx request was showing them."""
    if not request.htmx or not request.htmx.current_url:
        return {"tagger": "", "hl": []}
    query = reader_query(QueryDict(urlsplit(request.htmx.current_url).query))
    return {"tagger": query["tagger"], "hl": query["hl"]}


def _passage_response(request: HttpRequest, *, passage_id: int | None, message: str,
                      event: str = "tag-status", detail: dict | None = None) -> HttpResponse:
    """The re-rendered passage for htmx to swap in, or a redirect back for a plain form."""
    if passage_id is None:
        orphans = reverse("annotations:orphan-list")
        return HttpResponseClientRedirect(orphans) if request.htmx else redirect(orphans)
    if not request.htmx:
        messages.success(request, message)
        return redirect(_return_url(request, passage_id=passage_id))
    passage = reader_passage_get(pk=passage_id, viewer=request.user, **_reader_viewing(request))
    response = render(request, "annotations/reader/_passages.html", {"passages": [passage]})
    return trigger_client_event(response, event, {"message": message, **(detail or {})})


@tag_write_view
def tag_create(request: HttpRequest, pk: int) -> HttpResponse:
    passage = _passage_or_refusal(pk=pk, status=404)
    data = _valid_form(TagCreateForm(request.POST))
    words = data.pop("words")
    # Decided by the field being sent: blank words are an error, not a whole passage.
    if "words" in request.POST:
        result = services.tag_create_for_words(
            user=request.user, passage=passage, theme=data["theme"], words=words,
            memo=data["memo"],
        )
    else:
        result = services.tag_create(user=request.user, passage=passage, **data)
    what = "Span" if result.tag.is_span else "Passage"
    verb = "tagged" if result.created else "was already tagged"
    message = f"{what} {verb} {result.tag.theme.name}."
    return _passage_response(request, passage_id=passage.pk, message=message)


@tag_write_view
def tag_memo(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _tag_or_refusal(pk)
    data = _valid_form(TagMemoForm(request.POST))
    services.tag_update(user=request.user, tag=tag, memo=data["memo"])
    message = "Memo saved." if tag.memo else "Memo cleared."
    return _passage_response(request, passage_id=tag.passage_id, message=message)


@tag_write_view
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _tag_or_refusal(pk)
    if tag.passage_id is None:
        services.tag_delete(user=request.user, tag=tag)
        return _passage_response(request, passage_id=None, message="Tag removed.")
    token = services.tag_remove_undoable(user=request.user, tag=tag)
    message = f"{tag.theme.name} tag removed."
    if not request.htmx:
        # Without JavaScript the undo is a form on the page the post came back to.
        request.session[UNDO_SESSION_KEY] = {"token": token}
    return _passage_response(request, passage_id=tag.passage_id, message=message,
                             event="tag-removed", detail={"undo": token})


@tag_write_view
def tag_restore(request: HttpRequest) -> HttpResponse:
    data = _valid_form(TagRestoreForm(request.POST))
    result = services.tag_restore(user=request.user, token=data["undo"])
    request.session.pop(UNDO_SESSION_KEY, None)
    message = f"{result.tag.theme.name} tag restored."
    response = _passage_response(request, passage_id=result.tag.passage_id, message=message)
    if request.htmx:
        # The undo is sent from the toolbar: the tag goes back into its own passage.
        response = reswap(retarget(response, f"#p{result.tag.passage_id}"), "outerHTML")
    return response


@tag_write_view
def tag_reattach(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _tag_or_refusal(pk)
    data = _valid_form(TagReattachForm(request.POST))
    passage = _passage_or_refusal(pk=data["passage"], status=400)
    services.tag_reattach_by_quote(user=request.user, tag=tag, passage=passage,
                                   whole_passage=data["whole_passage"])
    return redirect(passage.get_absolute_url())


@read_permission_required
def theme_list_view(request: HttpRequest) -> HttpResponse:
    codebook = codebook_tree(themes=theme_list_with_counts())
    context = {"codebook": codebook, "chart": theme_chart(themes=codebook.themes)}
    return render(request, "annotations/theme_list.html", context)


@read_permission_required
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        theme = theme_get_by_any_slug(slug=slug)
    except Theme.DoesNotExist:
        raise Http404("No such theme.") from None
    if theme.slug != slug:
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(f"{theme.get_absolute_url()}{query}", permanent=True)
    form = ThemeExcerptFilterForm(request.GET)
    source_slug = form.cleaned_data["source"] if form.is_valid() else ""
    family = theme_family(theme=theme)
    excerpts = theme_excerpt_list(theme=theme, source_slug=source_slug,
                                  subtree_ids=family.subtree_ids)
    context = {
        "theme": theme,
        "family": family,
        "themes": family.themes,
        "memos": theme_memo_list(theme=theme),
        "examples": theme_example_list(theme=theme),
        "changes": theme_change_list(theme=theme),
        "chart": theme_chart(themes=[theme], subtrees={theme.pk: family.subtree_ids}),
        "source_slug": source_slug,
        "page": Paginator(excerpts, EXCERPTS_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "annotations/theme_detail.html", context)


def _theme_or_refusal(slug: str) -> Theme:
    try:
        return theme_get_by_any_slug(slug=slug)
    except Theme.DoesNotExist:
        raise Refusal(status=404, message="That theme is no longer in the codebook.") from None


@codebook_write_view
def theme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    theme = _theme_or_refusal(slug)
    data = _valid_form(ThemeEditForm(request.POST))
    theme = theme_services.theme_update(user=request.user, theme=theme, **data)
    messages.success(request, f"“{theme.name}” saved.")
    return redirect(theme)


@codebook_write_view
def theme_merge(request: HttpRequest, slug: str) -> HttpResponse:
    theme = _theme_or_refusal(slug)
    data = _valid_form(ThemeMergeForm(request.POST))
    result = theme_services.theme_merge(user=request.user, theme=theme, into=data["into"])
    messages.success(
        request,
        f"“{theme.name}” merged into “{result.theme.name}”: {result.tags_moved} "
        f"tag{pluralize(result.tags_moved)}, {result.tags_collapsed} of them identical to "
        f"one it had; {result.children_moved} sub-theme{pluralize(result.children_moved)}.",
    )
    return redirect(result.theme)


@codebook_write_view
def theme_memo(request: HttpRequest, slug: str) -> HttpResponse:
    theme = _theme_or_refusal(slug)
    data = _valid_form(ThemeMemoForm(request.POST))
    theme_services.theme_memo_create(user=request.user, theme=theme, text=data["text"])
    return redirect(f"{theme.get_absolute_url()}#memos")


@codebook_write_view
def tag_example(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _tag_or_refusal(pk)
    data = _valid_form(TagExampleForm(request.POST))
    theme_services.tag_example_set(user=request.user, tag=tag, is_example=data["is_example"])
    return redirect(f"{tag.theme.get_absolute_url()}#examples")


@read_permission_required
def orphan_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(orphan_tag_list(), EXCERPTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "annotations/orphan_list.html", {"page": page})


@require_GET
@read_permission_required
def theme_colours(request: HttpRequest) -> HttpResponse:
    """Per-theme colour classes: theme colours are data, and the CSP forbids inline styles."""
    css = render_to_string("annotations/theme_colours.css", {"themes": theme_list()})
    etag = quote_etag(hashlib.sha256(css.encode()).hexdigest()[:32])
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return get_conditional_response(request, etag=etag, response=response)


# --- The reader -----------------------------------------------------------------------

def _reader_links() -> dict:
    """URL patterns the reader's script fills in with a passage's or a tag's number."""
    placeholder = 2_147_483_647
    return {
        name.replace("-", "_"):
            reverse(f"annotations:{name}", args=[placeholder]).replace(str(placeholder), "{id}")
        for name in ("tag-create", "tag-memo", "tag-delete", "passage-tagging")
    }


@read_permission_required
def section_read(request: HttpRequest, slug: str, ordinal: int) -> HttpResponse:
    """A reading page: one section of a source, its notes, its tags, the codebook."""
    source = get_object_or_404(Source, slug=slug)
    query = reader_query(request.GET)
    try:
        reading = section_reading(source=source, ordinal=ordinal, viewer=request.user,
                                  themes=query["themes"], tagger=query["tagger"],
                                  hl=query["hl"])
    except Section.DoesNotExist:
        raise Http404("This source has no such section.") from None
    context = {"reading": reading, "query": query, "links": _reader_links(),
               "memo_max": MEMO_MAX_CHARS,
               "coding_statuses": section_coding_statuses(sections=[reading.section])}
    return render(request, "annotations/reader/section.html", context)


@read_permission_required
def passage_tagging(request: HttpRequest, pk: int) -> HttpResponse:
    """One passage on its own page, with plain forms to tag it: no JavaScript needed."""
    try:
        passage = passage_get(pk=pk)
    except Passage.DoesNotExist:
        raise Http404("No such passage.") from None
    context = {
        "passage": passage,
        "reader_passages": [reader_passage_get(pk=pk, viewer=request.user)],
        "codebook": theme_list(),
        "undo": request.session.pop(UNDO_SESSION_KEY, None),
        "memo_max": MEMO_MAX_CHARS,
    }
    return render(request, "annotations/reader/passage_tagging.html", context)
