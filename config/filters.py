"""Query-string filters shared by the API's apps.

A filter naming a related object (``?theme=``, ``?source=``) must name one that
exists: an unknown value is a 400 naming the parameter, not an empty page, so a
typo in a script fails loudly instead of exporting nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField


class ExistingChoiceField(forms.ModelChoiceField):
    def __init__(self, *, noun: str, **kwargs) -> None:
        lookup = kwargs.get("to_field_name") or "id"
        kwargs.setdefault(
            "error_messages", {"invalid_choice": f"No {noun} with {lookup} “%(value)s”."}
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        # PostgreSQL refuses NUL in a text comparison with a DataError (a 500); such a
        # value can match nothing, so it is simply not a valid choice.
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value.replace("\x00", "\\x00")},
            )
        try:
            return super().to_python(value)
        except ValidationError:
            former = self._former_slug_match(value)
            if former is None:
                raise
            return former

    def _former_slug_match(self, value):
        """A model that keeps its objects' former slugs names the lookup that finds them
        (``FORMER_SLUG_LOOKUP``), so that an old slug still names its object."""
        lookup = getattr(self.queryset.model, "FORMER_SLUG_LOOKUP", None)
        if lookup is None or self.to_field_name != "slug" or value in self.empty_values:
            return None
        return self.queryset.filter(**{lookup: value}).first()


class ExistingChoiceFilter(filters.ModelChoiceFilter):
    """Filters by a related object looked up by ``to_field_name``; unknown values are a 400.

    ``noun`` names the object in the error: ``No theme with slug “x”.``
    """

    field_class = ExistingChoiceField

    def __init__(self, *, noun: str, to_field_name: str, **kwargs) -> None:
        super().__init__(noun=noun, to_field_name=to_field_name, **kwargs)


class SlugChoiceFilter(ExistingChoiceFilter):
    """The common case: ``?theme=collective-action``, ``?source=crowley-1994``."""

    def __init__(self, *, noun: str, **kwargs) -> None:
        super().__init__(noun=noun, to_field_name="slug", **kwargs)


# PostgreSQL's timestamptz takes UTC offsets up to 15:59; Python's datetime up to 23:59.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)


class PostgresIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        moment = super().to_python(value)
        offset = moment.utcoffset() if moment is not None else None
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise ValidationError(
                "The UTC offset must be between -15:59 and +15:59.", code="invalid"
            )
        return moment


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 time filter that refuses what PostgreSQL would refuse, with a 400."""

    field_class = PostgresIsoDateTimeField
