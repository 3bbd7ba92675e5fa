"""A small coded corpus, and the official REFI-QDA schemas to check exports against."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from annotations.models import Theme
from annotations.refi.documents import PROJECT_MEMBER, SCHEMAS_DIR
from annotations.services import tag_create, tag_update

REPO = Path(__file__).resolve().parents[3]
# The shared folder sits beside the clone (in CI), or beside the folder of worktrees.
SHARED_SCHEMAS = next(
    (path for path in (REPO.parent / "shared" / "refi-qda",
                       REPO.parent.parent / "shared" / "refi-qda") if path.is_dir()),
    None,
)

# Characters outside the Basic Multilingual Plane count once in code points and twice in
# UTF-16 (JavaScript): offsets after them show which one an export uses.
FIRST = ("The director 𝔖 handed out flats to loyal workers. Strikes were rare because "
         "the workers depended on the enterprise for food.")
SECOND = "Стахановцы and 🛠 shock workers met at night; the plan was not met."
NOTE = "1 See the factory newspaper, Magnitogorskii rabochii, 3 March 1936."


def official_schema(name: str) -> etree.XMLSchema:
    """The schema as published (../shared/refi-qda), else the identical bundled copy."""
    folder = SHARED_SCHEMAS or SCHEMAS_DIR
    return etree.XMLSchema(etree.parse(str(folder / name)))


def project_members(payload: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def project_root(payload: bytes) -> etree._Element:
    return etree.fromstring(project_members(payload)[PROJECT_MEMBER])


@pytest.fixture
def codebook(themes) -> dict[str, Theme]:
    """The default codebook with two levels of sub-themes under paternalism."""
    housing = Theme.objects.create(slug="housing", name="Housing", definition="Flats and hostels.",
                                   colour="#123456", parent=themes["paternalism"], order=1)
    hostels = Theme.objects.create(slug="hostels", name="Hostels", definition="",
                                   colour="#abcdef", parent=housing)
    return {**themes, "housing": housing, "hostels": hostels}


@pytest.fixture
def coded(make_passage, codebook, researcher, other_researcher):
    """Tags of two researchers: spans, whole passages, a note, memos, sub-themes."""
    first = make_passage(FIRST, source_slug="kotkin-test")
    second = make_passage(SECOND, source_slug="kotkin-test")
    note = make_passage(NOTE, source_slug="kotkin-test", kind="note")
    other = make_passage("Workers depended on the enterprise.", source_slug="crowley-test")
    span = FIRST.index("handed out flats")
    tags = [
        tag_create(user=researcher, passage=first, theme=codebook["housing"], start=span,
                   end=span + len("handed out flats"), memo="the director as father").tag,
        tag_create(user=researcher, passage=first, theme=codebook["paternalism"]).tag,
        tag_create(user=other_researcher, passage=first, theme=codebook["housing"], start=span,
                   end=span + len("handed out flats")).tag,
        tag_create(user=other_researcher, passage=second, theme=codebook["hostels"],
                   start=SECOND.index("shock"), end=SECOND.index(" met at"),
                   memo='memo with <angle> & "quotes"').tag,
        tag_create(user=researcher, passage=note, theme=codebook["collective-action"]).tag,
        tag_create(user=researcher, passage=other, theme=codebook["enterprise-dependence"],
                   start=0, end=len("Workers")).tag,
    ]
    tag_update(user=researcher, tag=tags[1], memo="whole passage memo")
    return tags
