"""Reads of the codebook as a tree: descendants, former slugs, number keys, theme queries.

The theme table is small (a codebook has tens to a few hundred themes), so the tree is
read whole in one query and walked in Python; filters then use the resulting ids.

Theme queries (``?theme=a,b&theme_match=all&without_theme=c``) mean, at passage level:

- a passage *carries* a theme when a tag of that theme, or of one of its descendants,
  is on it (anywhere: whole passage or span);
- ``theme_match=any`` (the default): it carries at least one of the named themes;
  ``theme_match=all``: it carries every one of them;
- ``without_theme``: it carries none of those themes.

A list of tags (excerpts, the tags API) keeps the tags *of* a named theme (or a
descendant) that stand on a passage meeting the passage-level conditions: with ``all``
the passage carries every other named theme too; with ``without_theme`` the passage
carries none of those. A tag list filtered only by ``without_theme`` keeps every tag on
such passages (orphans, on no passage, carry nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from annotations.models import Tag, Theme, ThemeChange, ThemeMemo, ThemeSlugAlias

THEME_MATCH_ANY = "any"
THEME_MATCH_ALL = "all"
THEME_MATCH_CHOICES = [
    (THEME_MATCH_ANY, "any of the themes"),
    (THEME_MATCH_ALL, "all of the themes"),
]
DEFAULT_KEYS = 9


@dataclass(frozen=True)
class CodebookIndex:
    """Every theme's id, parent, slug and former slugs: the tree, from one query."""

    parents: dict[int, int | None]
    slugs: dict[str, int]
    former_slugs: dict[str, int]
    children: dict[int, list[int]] = field(default_factory=dict)

    def resolve(self, slug: str) -> int | None:
        """The theme a slug names now, or named before (a current slug wins)."""
        return self.slugs.get(slug, self.former_slugs.get(slug))

    def descendants(self, theme_id: int) -> frozenset[int]:
        """The theme and every theme below it."""
        found, pending = {theme_id}, [theme_id]
        while pending:
            for child in self.children.get(pending.pop(), ()):
                if child not in found:
                    found.add(child)
                    pending.append(child)
        return frozenset(found)


def codebook_index() -> CodebookIndex:
    aliases = ThemeSlugAlias.objects.filter(theme=OuterRef("pk")).values("slug")
    rows = list(
        Theme.objects.order_by().values_list("pk", "parent_id", "slug", ArraySubquery(aliases))
    )
    parents, children = _links((pk, parent_id) for pk, parent_id, _, _ in rows)
    former = {}
    for pk, _, _, former_slugs in rows:
        former.update(dict.fromkeys(former_slugs, pk))
    return CodebookIndex(parents=parents, slugs={slug: pk for pk, _, slug, _ in rows},
                         former_slugs=former, children=children)


def codebook_index_of(*, themes: Iterable[Theme]) -> CodebookIndex:
    """The tree of themes already read (the whole codebook: a sub-theme left out is
    missed), without slugs; no query."""
    parents, children = _links((theme.pk, theme.parent_id) for theme in themes)
    return CodebookIndex(parents=parents, slugs={}, former_slugs={}, children=children)


def _links(
    pairs: Iterable[tuple[int, int | None]],
) -> tuple[dict[int, int | None], dict[int, list[int]]]:
    """Each theme's parent, and each parent's children, from (theme, parent) pairs."""
    parents, children = {}, defaultdict(list)
    for pk, parent_id in pairs:
        parents[pk] = parent_id
        if parent_id is not None:
            children[parent_id].append(pk)
    return parents, dict(children)


def theme_ids_with_descendants(*, themes: Iterable[Theme | int]) -> set[int]:
    """The ids of these themes and of every theme below them (one query)."""
    index = codebook_index()
    ids: set[int] = set()
    for theme in themes:
        ids |= index.descendants(theme if isinstance(theme, int) else theme.pk)
    return ids


def theme_get_by_any_slug(*, slug: str, themes: QuerySet[Theme] | None = None) -> Theme:
    """The theme with this slug now, else the one that had it; raises ``Theme.DoesNotExist``.

    ``themes``: where to look (e.g. annotated with counts); by default every theme.
    """
    themes = Theme.objects.all() if themes is None else themes
    theme = themes.filter(slug=slug).first()
    if theme is None:
        theme = themes.get(**{Theme.FORMER_SLUG_LOOKUP: slug})
    return theme


# --- Theme queries ---------------------------------------------------------------


@dataclass(frozen=True)
class ThemeQuery:
    """A parsed theme query: each named theme as its own id and its descendants' ids."""

    slugs: tuple[str, ...] = ()
    themes: tuple[frozenset[int], ...] = ()
    match: str = THEME_MATCH_ANY
    without: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.themes or self.without)

    @property
    def any_ids(self) -> frozenset[int]:
        return frozenset().union(*self.themes)


def theme_slugs_split(value: str | Sequence[str]) -> list[str]:
    """``"a,b"`` (or ``["a", "b,c"]``) as ``["a", "b"]`` (``[..., "c"]``), blanks dropped."""
    values = [value] if isinstance(value, str) else value
    return [slug.strip() for item in values for slug in item.split(",") if slug.strip()]


def theme_query_parse(*, theme: Sequence[str] = (), match: str = "",
                      without: Sequence[str] = ()) -> ThemeQuery:
    """Resolves slugs (current or former) to themes with their descendants (one query).

    Raises ``ValidationError`` keyed ``theme`` / ``without_theme`` naming unknown slugs.
    """
    if match not in ("", THEME_MATCH_ANY, THEME_MATCH_ALL):
        raise ValidationError({"theme_match": ValidationError(
            "Use “any” or “all”, not “%(value)s”.", code="invalid_choice",
            params={"value": match},
        )})
    if not theme and not without:
        return ThemeQuery()
    index = codebook_index()
    errors = {}
    resolved = {}
    for name, slugs in (("theme", theme), ("without_theme", without)):
        unknown = [slug for slug in slugs if index.resolve(slug) is None]
        if unknown:
            errors[name] = [
                ValidationError("No theme with slug “%(value)s”.", code="invalid_choice",
                                params={"value": slug})
                for slug in unknown
            ]
        resolved[name] = [index.descendants(index.resolve(slug)) for slug in slugs
                          if slug not in unknown]
    if errors:
        raise ValidationError(errors)
    return ThemeQuery(
        slugs=tuple(theme),
        themes=tuple(resolved["theme"]),
        match=match or THEME_MATCH_ANY,
        without=frozenset().union(*resolved["without_theme"]),
    )


def theme_query_of(*, theme: Theme | ThemeQuery) -> ThemeQuery:
    """One theme (with its sub-themes) as a query; a query as it is."""
    if isinstance(theme, ThemeQuery):
        return theme
    return ThemeQuery(slugs=(theme.slug,),
                      themes=(frozenset(theme_ids_with_descendants(themes=[theme])),))


def theme_query_passages_q(*, query: ThemeQuery, tags: QuerySet[Tag] | None = None,
                           passage: str = "pk") -> Q:
    """The passage-level condition, for a queryset whose ``passage`` field is the passage.

    ``tags``: only these tags count (e.g. one coder's); the passage must then carry at
    least one of them even when only ``without`` is given.
    """
    counted = Tag.objects.all() if tags is None else tags
    on_passage = counted.filter(passage=OuterRef(passage))
    condition = Q()
    if query.themes and query.match == THEME_MATCH_ALL:
        for ids in query.themes:
            condition &= Q(Exists(on_passage.filter(theme_id__in=ids)))
    elif query.themes:
        condition &= Q(Exists(on_passage.filter(theme_id__in=query.any_ids)))
    elif tags is not None:
        condition &= Q(Exists(on_passage))
    if query.without:
        condition &= ~Q(Exists(on_passage.filter(theme_id__in=query.without)))
    return condition


def theme_query_matches(*, query: ThemeQuery, theme_ids: Iterable[int]) -> bool:
    """The passage-level condition in Python, for one passage's shown themes (the reader,
    whose chips are already in memory): the same rules as ``theme_query_passages_q``."""
    carried = frozenset(theme_ids)
    if query.themes:
        hits = [bool(ids & carried) for ids in query.themes]
        if not (all(hits) if query.match == THEME_MATCH_ALL else any(hits)):
            return False
    return not (query.without & carried)


def theme_query_tags_q(*, query: ThemeQuery) -> Q:
    """The tag-level condition (see the module's docstring), for querysets of tags."""
    condition = Q()
    if query.themes:
        condition &= Q(theme_id__in=query.any_ids)
    if query.match == THEME_MATCH_ALL and len(query.themes) > 1:
        condition &= theme_query_passages_q(
            query=ThemeQuery(themes=query.themes, match=THEME_MATCH_ALL), passage="passage"
        )
    if query.without:
        condition &= theme_query_passages_q(
            query=ThemeQuery(without=query.without), passage="passage"
        )
    return condition


# --- Number keys ------------------------------------------------------------------


def theme_keymap(*, themes: Sequence[Theme] | None = None) -> dict[int, Theme]:
    """The number keys of the reader: ``{1: theme, ...}``.

    The keys researchers chose (``Theme.key``) if any theme has one, else the first
    nine top-level themes in codebook order. ``themes``: the codebook if already read.
    """
    themes = list(Theme.objects.all()) if themes is None else list(themes)
    chosen = {theme.key: theme for theme in themes if theme.key is not None}
    if chosen:
        return dict(sorted(chosen.items()))
    top_level = [theme for theme in themes if theme.parent_id is None]
    return {number: theme for number, theme in enumerate(top_level[:DEFAULT_KEYS], start=1)}


# --- The codebook page -------------------------------------------------------------


@dataclass
class ThemeNode:
    """A theme in the tree, with what the codebook page shows about it."""

    theme: Theme
    depth: int
    key: int | None
    children: list[ThemeNode]
    memos: list[ThemeMemo]
    examples: list[Tag]
    subtree_tag_count: int = 0


@dataclass(frozen=True)
class Codebook:
    roots: list[ThemeNode]
    themes: list[Theme]
    keymap: dict[int, Theme]


def codebook_tree(*, themes: Sequence[Theme]) -> Codebook:
    """The codebook as a tree, with memos and example excerpts: two queries however large.

    ``themes``: every theme, in codebook order, with ``tag_count`` (as from
    ``selectors.theme_list_with_counts``).
    """
    themes = list(themes)
    memos = defaultdict(list)
    for memo in ThemeMemo.objects.select_related("user"):
        memos[memo.theme_id].append(memo)
    examples = defaultdict(list)
    for tag in theme_example_list():
        examples[tag.theme_id].append(tag)
    keymap = theme_keymap(themes=themes)
    keys = {theme.pk: number for number, theme in keymap.items()}
    nodes = {
        theme.pk: ThemeNode(theme=theme, depth=0, key=keys.get(theme.pk), children=[],
                            memos=memos[theme.pk], examples=examples[theme.pk])
        for theme in themes
    }
    roots = []
    for theme in themes:  # codebook order, so children are ordered too
        parent = nodes.get(theme.parent_id)
        (parent.children if parent else roots).append(nodes[theme.pk])
    _depths_and_totals(roots, depth=0)
    return Codebook(roots=roots, themes=themes, keymap=keymap)


def _depths_and_totals(nodes: list[ThemeNode], *, depth: int) -> int:
    total = 0
    for node in nodes:
        node.depth = depth
        node.subtree_tag_count = node.theme.tag_count + _depths_and_totals(
            node.children, depth=depth + 1
        )
        total += node.subtree_tag_count
    return total


def theme_example_list(*, theme: Theme | None = None) -> QuerySet[Tag]:
    """Tags marked as examples (placed ones), in reading order."""
    tags = (
        Tag.objects.filter(is_example=True, passage__isnull=False)
        .select_related("source", "passage__section", "user")
        .defer("passage__search_vector")
        .order_by("source__ordinal", "source__slug", "passage__ordinal", "start", "id")
    )
    return tags if theme is None else tags.filter(theme=theme)


def theme_change_list(*, theme: Theme) -> QuerySet[ThemeChange]:
    return theme.changes.select_related("user").order_by("-created", "-id")


def theme_memo_list(*, theme: Theme) -> QuerySet[ThemeMemo]:
    return theme.memos.select_related("user")


@dataclass(frozen=True)
class ThemeFamily:
    """A theme's place in the tree, for its page."""

    ancestors: list[Theme]  # from the top level down to its parent
    children: list[Theme]
    subtree_ids: frozenset[int]  # itself and every theme below it
    themes: list[Theme]  # the whole codebook, in order


def theme_family(*, theme: Theme) -> ThemeFamily:
    """One query: the whole (small) codebook, walked here."""
    themes = list(Theme.objects.all())
    by_id = {item.pk: item for item in themes}
    index = codebook_index_of(themes=themes)
    chain, current = [], index.parents.get(theme.pk)
    while current is not None and current not in chain:
        chain.append(current)
        current = index.parents.get(current)
    return ThemeFamily(
        ancestors=[by_id[pk] for pk in reversed(chain)],
        children=[by_id[pk] for pk in index.children.get(theme.pk, [])],
        subtree_ids=index.descendants(theme.pk),
        themes=themes,
    )
