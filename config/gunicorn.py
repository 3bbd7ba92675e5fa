"""gunicorn's settings for ``make serve`` and a real deployment: ``gunicorn -c config/gunicorn.py
config.wsgi``. Each can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule for synchronous workers: requests wait on PostgreSQL about as long as
# they compute, so two per core keep the cores busy, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# One request at a time per process (gunicorn's sync worker). The requests are mostly
# Python: two threads of a process only take turns at its interpreter lock, and under
# twenty clients 5 × 2 threads gave p95 1.1-1.5 s where 5 × 1 gave 0.7 s. The sync
# worker keeps no connection alive, so a proxy in front should buffer slow clients.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
# With threads (GUNICORN_THREADS > 1), idle keep-alive connections are closed after
# this long. gunicorn's 2 s made clients that paused between requests race the close
# and get a reset; a proxy in front keeps its own connections open longer still.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "30"))
# Recycles workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# gunicorn's highest bound on the request line (its default, 4,094 bytes, answered an HTML
# 414 even under /api/). The app refuses addresses a little shorter itself, in JSON under
# /api/ (config/middleware.py), so only a line of over 8 KB meets gunicorn's HTML page.
# No bound at all (0) would let a client tie a thread up: gunicorn reads a line in time
# that grows with its square (5 MB: 3.5 s).
limit_request_line = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker) -> None:
    """Builds what the first API request would otherwise wait for: the OpenAPI schema
    from which unknown and repeated query parameters are told (config/api_query.py)."""
    from config.api_query import documented_query_parameters

    documented_query_parameters()
