from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQueryField
from django.db import models
from django.db.models import Func, Q, Value
from django.urls import reverse

from corpus.models import SEARCH_CONFIG

# The SQL function behind GlossaryTerm.form_queries (search migration 0002).
FORM_QUERIES_FUNCTION = "glossary_form_queries"


class FormQueries(Func):
    """Each non-empty form's tsquery, as a search for that form would build it."""

    template = (
        f"{FORM_QUERIES_FUNCTION}(%(expressions)s::regconfig, "
        "ARRAY[term, translation]::text[] || variants::text[])"
    )
    output_field = ArrayField(SearchQueryField())

    def __init__(self) -> None:
        super().__init__(Value(SEARCH_CONFIG))


class GlossaryTerm(models.Model):
    """A term of Soviet labour history; a search for any of its forms finds them all."""

    term = models.CharField(max_length=100, unique=True, help_text="As the sources print it.")
    slug = models.SlugField(max_length=100, unique=True)
    variants = ArrayField(
        models.CharField(max_length=100),
        blank=True,
        default=list,
        help_text="Other spellings, forms and abbreviations, comma-separated; all searched.",
    )
    translation = models.CharField(
        max_length=200, blank=True, help_text="The English equivalent, also searched."
    )
    definition = models.TextField(help_text="A sentence or two.")
    source = models.CharField(max_length=500, help_text="Where the definition comes from.")
    # Stored, so that a search compares tsqueries instead of building dozens of them.
    form_queries = models.GeneratedField(
        expression=FormQueries(), output_field=ArrayField(SearchQueryField()), db_persist=True
    )

    class Meta:
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(condition=~Q(term=""), name="glossary_term_not_empty"),
            models.CheckConstraint(
                condition=~Q(definition=""), name="glossary_definition_not_empty"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="glossary_source_not_empty"),
        ]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return f"{reverse('search:glossary')}#{self.slug}"

    @property
    def forms(self) -> list[str]:
        """Every searched form: the term, its translation and variants."""
        return [form for form in (self.term, self.translation, *self.variants) if form]


VOCABULARY_INDEX = "vocabulary_trgm"


class VocabularyWord(models.Model):
    """A word of the corpus, as printed (lower case), and in how many passages it occurs.

    Filled by services.vocabulary_refresh after each load, for "did you mean".
    """

    word = models.CharField(max_length=100, unique=True)
    letters = models.CharField(
        max_length=100,
        help_text="The word without apostrophes and primes, for trigram similarity.",
    )
    lexeme = models.CharField(max_length=100, db_index=True, help_text="As the index has it.")
    passages = models.PositiveIntegerField(help_text="How many passages a search for it finds.")

    class Meta:
        # pg_trgm splits words at apostrophes: "zasiad'ko" would share few trigrams with
        # "zasyadko"; "zasiadko" shares most.
        indexes = [
            GinIndex(fields=["letters"], opclasses=["gin_trgm_ops"], name=VOCABULARY_INDEX)
        ]

    def __str__(self) -> str:
        return self.word
