"""Two more ways to answer than JSON: W3C JSON-LD and CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from rest_framework.renderers import BaseRenderer, JSONRenderer

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"): `=HYPERLINK(...)` in a memo must stay text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Rows are sent in chunks of about this many characters, not one by one.
CSV_CHUNK_CHARS = 64 * 1024
BYTE_ORDER_MARK = "\ufeff"


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class CSVRenderer(BaseRenderer):
    """Makes `Accept: text/csv` and `?format=csv` choose CSV.

    The view streams the body itself with ``csv_stream``, so that an export of any
    size never sits in memory whole; nothing is rendered here.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


def csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_stream(*, header: Sequence[str], rows: Iterable[Sequence],
               bom: bool = False) -> Iterator[str]:
    """``bom``: a UTF-8 byte-order mark first, without which Excel guesses another encoding."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
