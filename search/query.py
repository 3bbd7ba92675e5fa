"""The search box's language, parsed in Python and compiled to one tsquery expression.

``websearch_to_tsquery`` knows words, "phrases", ``or`` and ``-word`` but drops a
trailing ``*``. The same language plus prefix wildcards is parsed here and compiled to
SQL that builds the tsquery from ``phraseto_tsquery`` calls, each word or phrase a bound
parameter: nothing the user types reaches tsquery syntax. Every function in it is
immutable, so Postgres folds the whole expression into a constant when it plans the
query; no round trip is needed to compile it.

Grammar, as in web search: terms separated by spaces must all match; ``or`` between
two terms matches either (it binds tighter than the implicit "and"); ``-`` before a
term excludes it; ``"..."`` is a phrase; ``word*`` matches every word starting with
``word`` (after stemming, so ``Stakhanov*`` finds ``Stakhanovite`` and ``Stakhanovism``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db.models import Func

from config.tsearch import words_for_parser
from corpus.models import SEARCH_CONFIG

TOKEN = re.compile(r'-*"[^"]*"?|[^\s"]+')


@dataclass(frozen=True)
class Term:
    """A word (or consecutive words, all required), phrase or prefix of the query.

    ``alternatives``: other forms any of which may match instead (glossary expansion).
    """

    text: str
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    alternatives: tuple[str, ...] = ()

    @property
    def plain(self) -> bool:
        return not (self.phrase or self.prefix or self.negated)


# The query: every group must match; within a group, any term.
Groups = tuple[tuple[Term, ...], ...]


@dataclass(frozen=True)
class Expansion:
    """A glossary entry that widened the query: what was typed, what else is searched."""

    typed: str
    term: str
    slug: str
    also: tuple[str, ...]


@dataclass(frozen=True)
class CompiledQuery:
    """A parsed query, possibly widened by the glossary; what the selectors search for."""

    text: str
    groups: Groups
    expansions: tuple[Expansion, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def plain_words(self) -> list[str]:
        """Single words searched as typed (no phrase, prefix or exclusion)."""
        return [
            term.text
            for group in self.groups
            for term in group
            if term.plain and " " not in term.text and not term.alternatives
        ]


def query_parse(query: str) -> CompiledQuery:
    """The query's groups of terms (see the module's grammar); no database needed."""
    groups: list[list[Term]] = []
    pending_or = False
    for token in TOKEN.findall(query):
        if token.casefold() == "or":
            pending_or = bool(groups)
            continue
        negated = token.startswith("-")
        text = token.lstrip("-")
        phrase = text.startswith('"')
        prefix = not phrase and text.endswith("*")
        text = text.strip('"') if phrase else text.rstrip("*")
        if not text.strip():
            continue
        term = Term(text=" ".join(text.split()), phrase=phrase, prefix=prefix, negated=negated)
        if pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return CompiledQuery(text=query, groups=tuple(tuple(group) for group in groups))


class TsQuery(SearchQuery):
    """The tsquery of a CompiledQuery, as SQL with the user's words as parameters."""

    def __init__(self, query: CompiledQuery) -> None:
        Func.__init__(self, output_field=SearchQueryField())
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        params: list[str] = []
        groups = [
            "(" + " || ".join(_term_sql(term, params) for term in group) + ")"
            for group in self.query.groups
        ]
        return "(" + " && ".join(groups) + ")", params


def _term_sql(term: Term, params: list[str]) -> str:
    if term.phrase:
        sql = _phrase_sql(term.text, params)
    else:
        sql = " && ".join(_phrase_sql(word, params) for word in term.text.split())
        if term.prefix:
            sql = f"COALESCE(NULLIF(({sql})::text, '') || ':*', '')::tsquery"
    sql = " || ".join([f"({sql})", *(_phrase_sql(form, params) for form in term.alternatives)])
    return f"!!({sql})" if term.negated else f"({sql})"


def _phrase_sql(text: str, params: list[str]) -> str:
    params += [SEARCH_CONFIG, words_for_parser(text)]
    return "phraseto_tsquery(%s::regconfig, %s)"


def word_replaced(text: str, *, typed: str, by: str) -> str:
    """``text`` with the word ``typed`` (any case, a whole word) replaced ``by`` another."""
    pattern = re.compile(rf"(?<![\w'’]){re.escape(typed)}(?![\w'’])", re.IGNORECASE)
    return pattern.sub(lambda _: by, text)
