"""Writes say what they would not do: a field a request may not send is a 400.

DRF ignores keys a serializer does not declare, so a PATCH that tries to move a tag
(``{"start": 0}``) would answer 200 having changed nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers

NOT_TEXT = serializers.CharField.default_error_messages["invalid"]


class StrictFieldsMixin:
    """Refuses keys that are not writable fields of the serializer, naming each, and
    text fields given anything but a string: DRF's CharField would take ``0`` or
    ``true`` and store their str().

    ``read_only_fields`` names the fields the resource shows but a write may not
    change, for a clearer message than "unknown".
    """

    read_only_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):
            data = form_as_object(data)
        if isinstance(data, Mapping):
            refused = {
                key: [self._refusal(key)]
                for key in data
                if key not in self.fields or self.fields[key].read_only
            }
            if refused:
                raise serializers.ValidationError(refused)
            not_text = {
                key: [NOT_TEXT]
                for key, value in data.items()
                if isinstance(self.fields[key], serializers.CharField)
                and not isinstance(value, str | None)
            }
            if not_text:
                raise serializers.ValidationError(not_text)
        return super().to_internal_value(data)

    def _refusal(self, key: str) -> str:
        writable = ", ".join(name for name, field in self.fields.items() if not field.read_only)
        if key in self.read_only_fields:
            return f"This field cannot be changed here; you may send: {writable}."
        return f"Unknown field; you may send: {writable}."


def form_as_object(form: QueryDict) -> dict[str, str]:
    """A form read as the JSON object it stands for: one value per field, and an empty
    value is empty. DRF reads it as an HTML form, where an empty optional field counts
    as not sent and a repeated one gives its last value."""
    repeated = {
        name: [f"Given {len(values)} times; this field takes one value."]
        for name, values in form.lists()
        if len(values) > 1
    }
    if repeated:
        raise serializers.ValidationError(repeated)
    return form.dict()
