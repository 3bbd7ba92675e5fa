from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse

from corpus.models import Passage, Section, Source

RESEARCHERS_GROUP = "researchers"
# One limit for every way of writing a memo (reader, API, admin).
MEMO_MAX_CHARS = 10_000
STUDENTS_GROUP = "students"


class Theme(models.Model):
    # Where config.filters finds a theme by a slug it had before a rename or merge.
    FORMER_SLUG_LOOKUP = "slug_aliases__slug"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100, unique=True)
    definition = models.TextField()
    colour = models.CharField(max_length=7, help_text="A hex colour such as #b5443a.")
    order = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="children", null=True, blank=True,
        help_text="The broader theme this one refines, if any.",
    )
    inclusion = models.TextField(blank=True, help_text="When to apply the theme.")
    exclusion = models.TextField(blank=True, help_text="When not to apply it, and what instead.")
    key = models.PositiveSmallIntegerField(
        null=True, blank=True, unique=True,
        help_text="The number key (1-9) that applies it in the reader; blank for none.",
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
            models.CheckConstraint(
                condition=Q(key__isnull=True) | Q(key__gte=1, key__lte=9), name="theme_key_digit"
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
    is_example = models.BooleanField(
        default=False, help_text="Shown in the codebook as an example of its theme."
    )
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


class ApiToken(models.Model):
    """A key a script sends as ``Authorization: Token <key>``; a user may hold several,
    each under its own name, and revoke any of them.

    Only the key's SHA-256 digest is stored (the key is random, so a fast digest is
    enough): the key itself is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “laptop”.")
    key_digest = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(
        max_length=8, help_text="The key's first characters, to tell tokens apart."
    )
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class SectionCoding(models.Model):
    """A researcher's word that they have finished coding a section (chapter).

    Agreement counts, by default, only the sections every compared coder has finished:
    an uncoded chapter is missing data, not disagreement. A reload that removes a
    section removes its marks with it (the chapter they vouched for is gone).
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="codings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="section_codings"
    )
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "done_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "user"], name="section_coding_unique"),
        ]

    def __str__(self) -> str:
        return f"section {self.section_id} done by {self.user_id}"


class DisagreementMemo(models.Model):
    """A note on where two coders disagree: one theme, one passage, one pair of coders.

    The pair is stored in a fixed order (``coder_a`` has the smaller id), so the memo
    is found whichever way round the comparison is opened. If a reload replaces the
    passage the memo stays, detached (``passage`` null), with its source and theme.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    passage = models.ForeignKey(
        Passage, on_delete=models.SET_NULL, related_name="disagreement_memos",
        null=True, blank=True,
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    coder_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    coder_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="disagreement_memos")
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["passage", "coder_a", "coder_b"], name="memo_passage_pair"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(coder_a__lt=F("coder_b")),
                                   name="memo_coder_pair_ordered"),
            models.CheckConstraint(condition=~Q(text=""), name="memo_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"memo on {self.theme_id} in {self.passage_id} by {self.author_id}"


# --- The codebook's history and notes -------------------------------------------

THEME_KEYS = range(1, 10)


class ThemeMemo(models.Model):
    """A researcher's note on a theme: how it is used, doubts, decisions."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="memos")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="theme_memos"
    )
    text = models.TextField(max_length=MEMO_MAX_CHARS)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="theme_memo_not_blank"),
        ]

    def __str__(self) -> str:
        return f"Memo on {self.theme_id} by {self.user_id}"


class ThemeChange(models.Model):
    """One change to the codebook, with the values before and after (JSON)."""

    class Kind(models.TextChoices):
        RENAME = "rename", "renamed"
        MOVE = "move", "moved"
        MERGE = "merge", "merged into it"
        EDIT = "edit", "edited"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="theme_changes"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["theme", "created"], name="theme_change_theme_created")]

    def __str__(self) -> str:
        return f"{self.theme_id} {self.kind} by {self.user_id}"

    @property
    def fields_changed(self) -> list[tuple[str, object, object]]:
        """``(field, before, after)`` for each field a rename, move or edit changed."""
        return [(field, value, self.after.get(field)) for field, value in self.before.items()]


class ThemeSlugAlias(models.Model):
    """A slug a theme had before (a rename, or a theme merged into it): links and scripts
    that use it keep reaching the theme."""

    slug = models.SlugField(max_length=64, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="slug_aliases")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.slug
