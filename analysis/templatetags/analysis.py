from urllib.parse import urlencode

from django import template
from django.urls import reverse

from analysis.selectors import AnalysisScope, MatrixColumn
from annotations.models import Theme

register = template.Library()


@register.simple_tag
def cell_url(scope: AnalysisScope, *themes: Theme, column: MatrixColumn | None = None) -> str:
    """The drill-down to the passages a matrix cell counts."""
    return scope_url("analysis:passages", AnalysisScope(),
                     **scope.cell_params(themes=themes, column=column))


@register.simple_tag
def scope_url(url_name: str, scope: AnalysisScope, **params: str) -> str:
    """A page or API URL in the scope: ``{% scope_url 'api-cooccurrence' scope format='csv' %}``."""
    query = urlencode({**scope.query_params(), **params}, safe=",")
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


@register.filter
def heat(value: float | None, largest: float) -> int:
    """The heatmap's shade of a value, 0 to 10 relative to the largest one shown (any
    value above 0 gets at least the lightest shade, to tell it from none)."""
    if not value or not largest:
        return 0
    return max(1, round(10 * value / largest))
