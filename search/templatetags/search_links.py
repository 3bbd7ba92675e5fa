from collections.abc import Sequence
from urllib.parse import urlencode

from django import template

from corpus.models import Passage

register = template.Library()


@register.simple_tag(takes_context=True)
def reading_url(context, passage: Passage, words: Sequence[str]) -> str:
    """The passage's page with ``words`` to mark (``hl``) and this page to go back to."""
    params = [("hl", word) for word in words]
    params.append(("back", context["request"].get_full_path()))
    return f"{passage.get_absolute_url()}?{urlencode(params)}"

