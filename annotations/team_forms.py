"""Forms of the team-coding pages and API: the agreement query, comparison, memos."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib.auth.models import AbstractBaseUser

from annotations.models import MEMO_MAX_CHARS, Theme
from annotations.team_selectors import coder_list
from config.filters import ExistingChoiceField
from corpus.models import Passage, Section, Source


class CodersWidget(forms.CheckboxSelectMultiple):
    """Reads ``coders=a,b`` (the API, links) and ``coders=a&coders=b`` (the checkboxes)
    alike, so a link's coders show as ticked boxes."""

    def value_from_datadict(self, data, files, name) -> list[str]:
        values = super().value_from_datadict(data, files, name)
        if isinstance(values, str):
            values = [values]
        return [name.strip() for item in values or [] for name in str(item).split(",")
                if name.strip()]


class CodersField(forms.ModelMultipleChoiceField):
    """Coders by username; the users come back in the order named."""

    widget = CodersWidget

    def __init__(self, *, minimum: int = 2, maximum: int | None = None, **kwargs) -> None:
        kwargs.setdefault("error_messages", {
            "invalid_choice": "No coder named “%(value)s” (coders are the researchers who "
            "have tagged or finished a section).",
            "required": "Name the coders to compare, e.g. coders=rosa,karl.",
        })
        super().__init__(queryset=coder_list(), to_field_name="username", **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value) -> list[AbstractBaseUser]:
        names = [str(name) for name in value or []]
        if any("\x00" in name for name in names):
            # PostgreSQL refuses NUL in text (a 500); no username contains one.
            raise forms.ValidationError("A coder's name cannot contain a NUL character.")
        repeated = [name for name, count in Counter(names).items() if count > 1]
        if repeated:
            raise forms.ValidationError(f"“{repeated[0]}” is named twice.")
        if names and len(names) < self.minimum:
            raise forms.ValidationError(f"Name at least {self.minimum} coders.")
        if self.maximum is not None and len(names) > self.maximum:
            raise forms.ValidationError(f"Name exactly {self.maximum} coders.")
        by_name = {user.get_username(): user for user in super().clean(names)}
        return [by_name[name] for name in names]


class AgreementQueryForm(forms.Form):
    coders = CodersField(help_text="Two or more usernames, comma-separated.")
    source = ExistingChoiceField(queryset=Source.objects.all(), to_field_name="slug",
                                 noun="source", required=False)
    section = ExistingChoiceField(queryset=Section.objects.select_related("source"),
                                  noun="section", required=False)

    def clean(self) -> dict:
        data = super().clean()
        source, section = data.get("source"), data.get("section")
        if source and section and section.source_id != source.pk:
            self.add_error("section", "That section is not in that source.")
        return data

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].label_from_instance = section_label


def section_label(section: Section) -> str:
    return f"{section.source.authors} {section.source.year}: {section}"


class CompareForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.select_related("source"),
        error_messages={"invalid_choice": "No section with that id.",
                        "required": "Choose a section."},
    )
    coders = CodersField(minimum=2, maximum=2, help_text="Exactly two usernames.")


class SectionCodingForm(forms.Form):
    done = forms.BooleanField(required=False)


class DisagreementMemoForm(forms.Form):
    passage = forms.ModelChoiceField(
        queryset=Passage.objects.defer("search_vector"),
        error_messages={"invalid_choice": "There is no passage with that number."},
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.all(), to_field_name="slug",
        error_messages={"invalid_choice": "That theme is not in the codebook."},
    )
    coders = CodersField(minimum=2, maximum=2)
    text = forms.CharField(max_length=MEMO_MAX_CHARS, strip=True,
                           error_messages={"required": "Write the memo first."})
