from collections.abc import Callable
from functools import cache, partial

from django import forms
from django.core.exceptions import ValidationError

from annotations.models import MEMO_MAX_CHARS, Theme
from annotations.theme_selectors import (
    THEME_MATCH_CHOICES,
    ThemeQuery,
    theme_query_parse,
    theme_slugs_split,
)


class TagCreateForm(forms.Form):
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.all(),
        to_field_name="slug",
        error_messages={
            "required": "Choose a theme.",
            "invalid_choice": "That theme is not in the codebook.",
        },
    )
    start = forms.IntegerField(required=False, min_value=0)
    end = forms.IntegerField(required=False, min_value=0)
    # The span by its words, for keyboards and browsers without JavaScript.
    words = forms.CharField(required=False, max_length=2000, strip=True)
    memo = forms.CharField(required=False, max_length=MEMO_MAX_CHARS)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("words") and (data.get("start") is not None or data.get("end") is not None):
            raise forms.ValidationError("Give the span by its words or by offsets, not both.")
        return data


class TagMemoForm(forms.Form):
    memo = forms.CharField(required=False, max_length=MEMO_MAX_CHARS)


class ThemeSlugsField(forms.ChoiceField):
    """Theme slugs, comma-separated (``a,b``), cleaned to a list; shown as a choice of one.

    The slugs are resolved (former slugs too) by ``ThemeQueryForm.clean``.
    """

    def __init__(self, *, empty_label: str = "Any theme", **kwargs) -> None:
        kwargs.setdefault("required", False)
        self.empty_label = empty_label
        super().__init__(choices=self.themes_with_empty_label, **kwargs)

    def themes_with_empty_label(self, themes: Callable[[], list] | None = None) -> list:
        themes = themes() if themes else Theme.objects.values_list("slug", "name")
        return [("", self.empty_label), *themes]

    def to_python(self, value) -> list[str]:
        return theme_slugs_split(super().to_python(value))

    def validate(self, value) -> None:
        forms.Field.validate(self, value)


class ThemeQueryForm(forms.Form):
    """``theme=a,b``, ``theme_match=any|all``, ``without_theme=c``: the one convention of
    every theme filter (see ``annotations.theme_selectors``), parsed into ``theme_query``."""

    theme = ThemeSlugsField(label="Theme")
    theme_match = forms.ChoiceField(
        choices=THEME_MATCH_CHOICES, required=False,
        label="Themes to match",
        error_messages={"invalid_choice": "Use “any” or “all”, not “%(value)s”."},
    )
    without_theme = ThemeSlugsField(label="Without theme", empty_label="None")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Kept apart from cleaned_data, whose every item a FilterSet takes for a filter.
        self.theme_query = ThemeQuery()
        # Both selects list the codebook: read it once, when a select is drawn.
        themes = cache(lambda: list(Theme.objects.values_list("slug", "name")))
        for name in ("theme", "without_theme"):
            field = self.fields[name]
            if isinstance(field, ThemeSlugsField):
                field.choices = partial(field.themes_with_empty_label, themes)

    def clean(self) -> dict:
        data = super().clean()
        try:
            self.theme_query = theme_query_parse(
                theme=data.get("theme", []), match=data.get("theme_match", ""),
                without=data.get("without_theme", []),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data


class ReaderFilterForm(ThemeQueryForm):
    tagger = forms.CharField(required=False, max_length=150)


class ThemeExcerptFilterForm(forms.Form):
    source = forms.SlugField(required=False)


class TagReattachForm(forms.Form):
    passage = forms.IntegerField(
        min_value=1,
        label="Passage number",
        help_text="The number at the end of the passage's permalink, /passages/<number>/.",
        error_messages={"required": "Give the passage's number."},
    )
    whole_passage = forms.BooleanField(required=False, label="Tag the whole passage")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="Name",
        help_text="What the token is for, e.g. “laptop”. A name you already have gets a new "
        "token; the old one stops working.",
    )


# --- The codebook page's forms (their selects are drawn from the codebook already read) --


class ThemeEditForm(forms.Form):
    """Rename, move, choose the number key and refine the criteria: the whole theme at
    once; the service records only what changed."""

    name = forms.CharField(max_length=100)
    slug = forms.SlugField(max_length=64)
    parent = forms.ModelChoiceField(
        queryset=Theme.objects.all(), to_field_name="slug", required=False,
        error_messages={"invalid_choice": "That theme is not in the codebook."},
    )
    key = forms.TypedChoiceField(
        choices=[("", "none"), *((str(key), str(key)) for key in range(1, 10))],
        coerce=int, empty_value=None, required=False,
    )
    definition = forms.CharField()
    inclusion = forms.CharField(required=False)
    exclusion = forms.CharField(required=False)


class ThemeMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Theme.objects.all(), to_field_name="slug",
        error_messages={"required": "Choose the theme to merge into.",
                        "invalid_choice": "That theme is not in the codebook."},
    )


class ThemeMemoForm(forms.Form):
    text = forms.CharField(max_length=MEMO_MAX_CHARS,
                           error_messages={"required": "Write the memo first."})


class TagExampleForm(forms.Form):
    is_example = forms.BooleanField(required=False)


class ReaderPageForm(ReaderFilterForm):
    """The reader's query: the filters, plus what search's "read in context" links add."""

    back = forms.CharField(required=False, max_length=2000)  # the search results to go back to

    def clean_back(self) -> str:
        back = self.cleaned_data["back"]
        # Only a path within search: anything else could send the reader off-site.
        return back if back.startswith("/search/") and not back.startswith("/search//") else ""


def reader_query(query) -> dict:
    """The reader's query parameters, cleaned; invalid ones are dropped, not refused."""
    form = ReaderPageForm(query)
    form.is_valid()
    cleaned = form.cleaned_data
    themes_valid = not ({"theme", "theme_match", "without_theme"} & set(form.errors))
    data = {name: cleaned.get(name, "") for name in ("tagger", "back")}
    data.update({
        "theme": ",".join(cleaned.get("theme") or []) if themes_valid else "",
        "theme_match": (cleaned.get("theme_match") or "") if themes_valid else "",
        "without_theme": ",".join(cleaned.get("without_theme") or []) if themes_valid else "",
        "themes": form.theme_query,
    })
    data["hl"] = [word for word in query.getlist("hl") if word.strip()][:10]
    return data


class TagRestoreForm(forms.Form):
    undo = forms.CharField(max_length=2000, error_messages={"required": "Nothing to undo."})
