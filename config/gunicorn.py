"""gunicorn's settings for ``make serve`` and a real deployment: ``gunicorn -c config/gunicorn.py
config.wsgi``. Each can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule for synchronous workers: requests wait on PostgreSQL about as long as
# they compute, so two per core keep the cores busy, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
# Idle keep-alive connections are closed after this long. gunicorn's 2 s made clients
# that paused between requests race the close and get a reset; a proxy in front keeps
# its own connections open longer still.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "30"))
# Recycles workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# No bound of gunicorn's own on the request line (0): over its 4,094 bytes it answered an
# HTML 414, even under /api/, and it allows no bound over 8,190 but none at all. The app
# refuses addresses over 8 KB itself (config/middleware.py), in JSON under /api/. gunicorn
# reads a line in time that grows with its square (5 MB: 3.5 s of a thread), so what
# reaches it must be bounded: loopback only (`make serve`), or a proxy in front.
limit_request_line = 0
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker) -> None:
    """Builds what the first API request would otherwise wait for: the OpenAPI schema
    from which unknown and repeated query parameters are told (config/api_query.py)."""
    from config.api_query import documented_query_parameters

    documented_query_parameters()
