from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse

from corpus.models import Passage, Source

RESEARCHERS_GROUP = "researchers"
# One limit for every way of writing a memo (reader, API, admin).
MEMO_MAX_CHARS = 10_000
STUDENTS_GROUP = "students"


class Theme(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100, unique=True)
    definition = models.TextField()
    colour = models.CharField(max_length=7, help_text="A hex colour such as #b5443a.")
    order = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="children", null=True, blank=True,
        help_text="The broader theme this one refines, if any.",
    )
    # The REFI-QDA GUID of a theme imported from another tool, so that re-importing
    # matches it; themes made here export a GUID derived from their id instead.
    guid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="theme_colour_hex"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="theme_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("annotations:theme-detail", kwargs={"slug": self.slug})


class Tag(models.Model):
    """A theme applied by one user to a whole passage or to a span of its text.

    ``start``/``end`` are offsets into ``passage.text`` (both null for a whole-passage
    tag). ``quote``, ``prefix`` and ``suffix`` keep the tagged words and their context
    so a tag can be re-anchored when its source is re-ingested, and survives as an
    orphan (``passage`` null, ``source`` kept) if its words are gone.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="tags")
    passage = models.ForeignKey(
        Passage, on_delete=models.PROTECT, related_name="tags", null=True, blank=True
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="tags")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tags"
    )
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    memo = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["theme", "source"], name="tag_theme_source"),
            models.Index(fields=["user", "created"], name="tag_user_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start__isnull=True) & Q(end__isnull=True))
                | (Q(start__isnull=False) & Q(end__isnull=False) & Q(start__lt=F("end"))),
                name="tag_span_offsets_valid",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end=F("start") + Length("quote")),
                name="tag_quote_fits_span",
            ),
            models.UniqueConstraint(
                fields=["passage", "theme", "user", "start", "end"],
                name="tag_unique_identity",
                nulls_distinct=False,
                condition=Q(passage__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme} on {self.passage_id} by {self.user_id}"

    @property
    def is_span(self) -> bool:
        return self.start is not None
