"""The text search dictionaries' files (config/tsearch.py)."""

import pytest
from django.core.management import call_command

from config.tsearch import (
    DICTIONARY_FILES,
    TSEARCH_DATA,
    dictionary_files_install,
    spelling_file_text,
    spelling_pairs,
    spelling_synonyms,
)
from corpus.textsearch import english_stems


def test_install_copies_the_files_once(tmp_path):
    (tmp_path / "tsearch_data").mkdir()
    assert dictionary_files_install(share_dir=tmp_path)
    for name in DICTIONARY_FILES:
        assert (tmp_path / "tsearch_data" / name).read_bytes() == (TSEARCH_DATA / name).read_bytes()
    assert dictionary_files_install(share_dir=tmp_path)


def test_install_says_when_it_cannot(tmp_path):
    assert not dictionary_files_install(share_dir=tmp_path / "elsewhere")


def test_the_output_command_writes_the_files_for_an_administrator(tmp_path):
    call_command("search_dictionaries", "--output", str(tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(DICTIONARY_FILES)


def test_families_of_spellings_share_one_stem():
    pairs = {("practise", "practice"), ("practice", "practice"), ("labour", "labor")}
    stems = {"practise": "practis", "practice": "practic", "labour": "labour", "labor": "labor"}
    assert spelling_synonyms(pairs, stems=stems) == [
        ("labor", "labour"),
        ("labour", "labour"),
        ("practice", "practic"),  # the first British word of the family: "practice"
        ("practise", "practic"),
    ]


@pytest.mark.django_db
def test_the_shipped_spelling_file_is_what_breame_and_postgres_give():
    pytest.importorskip("breame")
    pairs = spelling_pairs()
    stems = english_stems(sorted({word for pair in pairs for word in pair}))
    shipped = (TSEARCH_DATA / "corpus_spelling.syn").read_text(encoding="utf-8")
    assert shipped == spelling_file_text(spelling_synonyms(pairs, stems=stems))
    assert len(pairs) == 1731
