"""The analysis parameters, validated once for the pages and the API alike."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from analysis.selectors import AnalysisScope
from annotations.models import Theme
from annotations.selectors import tagger_list
from corpus.models import Section, Source
from search.forms import SectionChoiceField, SourceChoiceField

# Beyond this many names a list is a mistake (or an attack), not a research question.
NAMES_MAX = 50


class NameListCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that also read and show a comma-separated value (``coders=a,b``)."""

    def format_value(self, value) -> list[str]:
        return [name for item in super().format_value(value) for name in item.split(",")]


class ExistingListField(forms.Field):
    """Several objects named by one field, ``a,b`` or repeated (``?x=a&x=b``), each of
    which must exist: ``No coder with username “x”.`` Cleans to a tuple in the given order.
    """

    widget = forms.MultipleHiddenInput

    def __init__(self, *, queryset: QuerySet, to_field_name: str, noun: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.queryset, self.to_field_name, self.noun = queryset, to_field_name, noun

    def to_python(self, value) -> list[str]:
        items = value if isinstance(value, list | tuple) else [value or ""]
        names = (name.strip() for item in items for name in str(item).split(","))
        return list(dict.fromkeys(name for name in names if name))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > NAMES_MAX:
            raise ValidationError(f"Name at most {NAMES_MAX} at once.", code="max_items")

    def clean(self, value) -> tuple:
        names = self.to_python(value)
        self.validate(names)
        # PostgreSQL refuses NUL in a text comparison: such a name can match nothing.
        clean_names = [name for name in names if "\x00" not in name]
        found = {
            getattr(obj, self.to_field_name): obj
            for obj in self.queryset.filter(**{f"{self.to_field_name}__in": clean_names})
        }
        missing = [name for name in names if name not in found]
        if missing:
            raise ValidationError([
                ValidationError(
                    "No %(noun)s with %(field)s “%(value)s”.", code="invalid_choice",
                    params={"noun": self.noun, "field": self.to_field_name,
                            "value": name.replace("\x00", "\\x00")},
                )
                for name in missing
            ])
        return tuple(found[name] for name in names)


class AnalysisScopeForm(forms.Form):
    coders = ExistingListField(
        queryset=tagger_list(), to_field_name="username", noun="coder", required=False,
        widget=NameListCheckboxes,
        help_text="Count only these coders' tags (none ticked: everyone's).",
    )
    source = SourceChoiceField(
        noun="source", queryset=Source.objects.all(), to_field_name="slug", required=False,
        empty_label="All sources",
    )
    section = SectionChoiceField(
        noun="section",
        queryset=Section.objects.select_related("source").order_by(
            "source__ordinal", "source__slug", "ordinal"
        ),
        required=False, label="Chapter", empty_label="All chapters",
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        coders = self.fields["coders"]
        # A callable: the choices are read only if the checkboxes are drawn (not by the API).
        coders.widget.choices = lambda: [
            (coder.username, coder.username) for coder in coders.queryset.all()
        ]

    def clean(self) -> dict:
        data = super().clean()
        source, section = data.get("source"), data.get("section")
        if source is not None and section is not None and section.source_id != source.pk:
            self.add_error("section", ValidationError(
                "Section %(section)s is not in source “%(source)s”.", code="not_in_source",
                params={"section": section.pk, "source": source.slug},
            ))
        return data

    @property
    def scope(self) -> AnalysisScope:
        data = self.cleaned_data
        return AnalysisScope(coders=data["coders"], source=data["source"],
                             section=data["section"])


class PassageDrillDownForm(AnalysisScopeForm):
    themes = ExistingListField(
        queryset=Theme.objects.all(), to_field_name="slug", noun="theme",
        error_messages={"required": "Name one or more themes (their slugs, comma-separated)."},
        help_text="Passages carrying every one of these themes.",
    )
