from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from corpus.textsearch import PrintedWords

# A text search configuration created in migration 0001: English stemming after
# the `unaccent` dictionary, so "Stakhanovite" finds "Stakhanovíte" too; migration 0003
# adds British/American spellings and romanisation (config/tsearch.py).
SEARCH_CONFIG = "english_unaccent"


class Source(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=500)
    authors = models.CharField(max_length=500, help_text="As printed, e.g. 'Simon Clarke (ed.)'.")
    year = models.PositiveSmallIntegerField()
    venue = models.CharField(max_length=500, blank=True)
    citation = models.TextField(help_text="A ready-to-paste bibliographic citation.")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    ingested_at = models.DateTimeField(null=True, blank=True)
    ordinal = models.PositiveSmallIntegerField(default=0)
    # The manifest's values as last applied: a field that differs from its seed was
    # edited here, and a reload leaves it alone (see corpus.services).
    seeded = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["ordinal", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="source_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authors}, {self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("corpus:source-detail", kwargs={"slug": self.slug})


class Section(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="sections")
    ordinal = models.PositiveIntegerField()
    number = models.CharField(
        max_length=20, blank=True, help_text="The chapter number as printed, if any."
    )
    title = models.CharField(max_length=500)
    authors = models.CharField(max_length=500, blank=True)
    # The parse's number, title and authors as last applied (see ``Source.seeded``).
    seeded = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["source", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "ordinal"],
                name="section_unique_ordinal",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        prefix = f"{self.number}. " if self.number else ""
        return f"{prefix}{self.title}"

    @property
    def anchor(self) -> str:
        return f"section-{self.ordinal}"


class Passage(models.Model):
    class Kind(models.TextChoices):
        BODY = "body", "Body text"
        NOTE = "note", "Note"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="passages")
    ordinal = models.PositiveIntegerField(help_text="Reading order within the source.")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.BODY)
    note_label = models.CharField(
        max_length=10, blank=True, help_text="For notes: the note's number as printed."
    )
    text = models.TextField()
    # Denormalised from the section so the generated search vector can weight it.
    heading = models.CharField(max_length=500, blank=True)
    char_start = models.PositiveIntegerField(help_text="Start of the range in the raw file.")
    char_end = models.PositiveIntegerField(
        help_text="End (exclusive) of the range in the raw file."
    )
    word_count = models.PositiveIntegerField(default=0)
    # Footnote markers removed from ``text``, kept beside it so that search, spans and
    # quotes see the words alone: [{"offset": <index into text>, "label": "4"}, ...].
    note_markers = models.JSONField(default=list, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector(PrintedWords("heading"), weight="A", config=SEARCH_CONFIG)
        + SearchVector(PrintedWords("text"), weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["source", "ordinal"]
        indexes = [
            GinIndex(fields=["search_vector"], name="passage_search_vector_gin"),
            models.Index(fields=["source", "kind", "ordinal"], name="passage_source_kind_ord"),
        ]
        constraints = [
            # Deferred, so a reload can renumber passages that keep their identity.
            models.UniqueConstraint(
                fields=["source", "ordinal"],
                name="passage_unique_ordinal",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(char_end__gt=F("char_start")), name="passage_char_range_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["body", "note"]), name="passage_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="passage_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug} §{self.ordinal}"

    def get_absolute_url(self) -> str:
        return reverse("corpus:passage-detail", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"p{self.pk}"


class PassageWords(models.Model):
    """Where each word of a passage's text lies: the spans search cuts snippets from.

    ``spans`` gives, for each position of the text's search vector, the word's start
    and end in the text: ``[start1, end1, start2, end2, ...]``. Database triggers keep
    it (migration 0006), whatever writes the passage: nothing in Python writes here.
    A table of its own, so that scanning passages for a search does not read it.
    """

    passage = models.OneToOneField(
        Passage,
        on_delete=models.DO_NOTHING,  # the trigger deletes the row with the passage
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    spans = ArrayField(models.IntegerField())

    def __str__(self) -> str:
        return f"the words of passage {self.passage_id}"


class CorpusRevision(models.Model):
    """A number that changes whenever a source, section or passage is written.

    Database triggers keep it (corpus migration 0005), whatever writes: a reload, the
    admin, a migration. What is computed from the corpus and cached keys on it.
    """

    number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="corpus_revision_single_row"),
        ]

    def __str__(self) -> str:
        return f"revision {self.number}"
