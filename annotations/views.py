import hashlib
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from annotations import services, theme_services
from annotations.forms import (
    TagCreateForm,
    TagExampleForm,
    TagMemoForm,
    TagReattachForm,
    ThemeEditForm,
    ThemeExcerptFilterForm,
    ThemeMemoForm,
    ThemeMergeForm,
)
from annotations.models import Tag, Theme
from annotations.roles import user_can_edit_codebook, user_can_tag
from annotations.selectors import (
    orphan_tag_list,
    tag_get,
    theme_chart,
    theme_excerpt_list,
    theme_list,
    theme_list_with_counts,
)
from annotations.theme_selectors import (
    codebook_tree,
    theme_change_list,
    theme_example_list,
    theme_family,
    theme_get_by_any_slug,
    theme_memo_list,
)
from config.access import read_permission_required
from corpus.models import Passage
from corpus.selectors import passage_entry_get

EXCERPTS_PER_PAGE = 25
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


def _return_url(request: HttpRequest, *, passage_id: int) -> str:
    """Where a form post without JavaScript goes back to: the page it came from."""
    target = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        slug = Passage.objects.filter(pk=passage_id).values_list("source__slug", flat=True).get()
        target = reverse("corpus:source-detail", kwargs={"slug": slug})
    return f"{target.split('#')[0]}#p{passage_id}"


def _passage_response(request: HttpRequest, *, passage_id: int | None,
                      message: str) -> HttpResponse:
    """The re-rendered passage for htmx to swap in, or a redirect back for a plain form."""
    if passage_id is None:
        orphans = reverse("annotations:orphan-list")
        return HttpResponseClientRedirect(orphans) if request.htmx else redirect(orphans)
    if not request.htmx:
        return redirect(_return_url(request, passage_id=passage_id))
    entry = passage_entry_get(pk=passage_id)
    context = {
        "passage": entry.passage,
        "tags": entry.tags,
        "themes": theme_list(),
    }
    response = render(request, "corpus/_passage.html", context)
    return trigger_client_event(response, "tag-status", {"message": message})


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
    services.tag_delete(user=request.user, tag=tag)
    return _passage_response(request, passage_id=tag.passage_id, message="Tag removed.")


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
