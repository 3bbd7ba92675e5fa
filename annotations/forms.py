from django import forms

from annotations.models import MEMO_MAX_CHARS, Theme


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


class ReaderFilterForm(forms.Form):
    theme = forms.SlugField(required=False)
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
    data = {name: form.cleaned_data.get(name, "") for name in ("theme", "tagger", "back")}
    data["hl"] = [word for word in query.getlist("hl") if word.strip()][:10]
    return data


class TagRestoreForm(forms.Form):
    undo = forms.CharField(max_length=2000, error_messages={"required": "Nothing to undo."})
