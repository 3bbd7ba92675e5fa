"""Twenty clients at once against a served app (``make serve``): latency per kind of request.

Standalone, with the server running: ``python bench/load.py [--url http://127.0.0.1:8000]
[--clients 20] [--seconds 60]``. Loopback only, and it stops by itself. The clients mix
what people do: read pages (a source's reader, a passage, the themes), search (the
page and the API), the concordance, and tag through the API with a token (create,
then delete their own tag). A researcher "load-bench" is made (or reused) in the
database the server uses; the tags it makes are deleted as it goes and at the end.
A few seconds of warm-up are not counted. Prints p50/p95/max per kind, the statuses
that were not 2xx, and whether any was a 5xx.

The API throttles anonymous clients per address (600/min by default): run the server
with ``API_ANON_RATE`` and ``API_USER_RATE`` raised, or the bench measures 429s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import _django  # noqa: F401 (sets Django up)
import requests
from django.contrib.auth.models import Group, User
from django.db.models.functions import Length

from annotations.models import RESEARCHERS_GROUP, Tag, Theme
from annotations.services import api_token_issue
from corpus.models import Passage, Source

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BENCH_USER = "load-bench"
WORDS = ["strike", "wages", "director", "plan", "housing", "bonus", "union", "discipline",
         "shock workers", "Magnitogorsk", "managers", "shortages"]
# How often each kind is picked: mostly reading, as on the site.
MIX = {"page": 4, "search": 3, "concordance": 2, "tagging": 2}
TIMEOUT_SECONDS = 30
WARMUP_SECONDS = 5


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1


@dataclass(frozen=True)
class Corpus:
    sources: list[str]
    passages: list[tuple[int, int]]  # (id, length of its text)
    themes: list[str]


def corpus_load() -> Corpus:
    passages = Passage.objects.filter(kind=Passage.Kind.BODY).annotate(length=Length("text"))
    return Corpus(
        sources=list(Source.objects.values_list("slug", flat=True)),
        passages=list(passages.values_list("pk", "length")),
        themes=list(Theme.objects.values_list("slug", flat=True)),
    )


def bench_token() -> str:
    user, _ = User.objects.get_or_create(username=BENCH_USER)
    user.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
    return api_token_issue(user=user, name="bench/load.py").key


def bench_tags_delete() -> int:
    deleted, _ = Tag.objects.filter(user__username=BENCH_USER).delete()
    return deleted


class LoadClient:
    def __init__(self, *, base: str, corpus: Corpus, token: str, seed: int) -> None:
        self.base = base
        self.corpus = corpus
        self.random = random.Random(seed)
        self.session = requests.Session()
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Token {token}"

    def one(self) -> list[tuple[str, float, int]]:
        """One action of a random kind: (kind, seconds, status) per request it made."""
        kind = self.random.choices(list(MIX), weights=list(MIX.values()))[0]
        return getattr(self, kind)()

    def _get(self, kind: str, session: requests.Session, path: str, **params) -> tuple:
        started = time.perf_counter()
        response = session.get(self.base + path, params=params, timeout=TIMEOUT_SECONDS)
        return kind, time.perf_counter() - started, response.status_code

    def page(self) -> list[tuple]:
        choice = self.random.random()
        if choice < 0.4:
            path = f"/sources/{self.random.choice(self.corpus.sources)}/"
        elif choice < 0.9:
            path = f"/passages/{self.random.choice(self.corpus.passages)[0]}/"
        else:
            path = "/themes/"
        return [self._get("page", self.session, path)]

    def search(self) -> list[tuple]:
        query = self.random.choice(WORDS)
        if self.random.random() < 0.5:
            return [self._get("search", self.session, "/search/", q=query)]
        return [self._get("search", self.session, "/api/passages/", q=query)]

    def concordance(self) -> list[tuple]:
        return [self._get("concordance", self.session, "/api/kwic/", q=self.random.choice(WORDS))]

    def tagging(self) -> list[tuple]:
        passage, length = self.random.choice(self.corpus.passages)
        start = self.random.randrange(0, max(length - 40, 1))
        body = {"passage": passage, "theme": self.random.choice(self.corpus.themes),
                "start": start, "end": min(start + self.random.randint(5, 40), length)}
        started = time.perf_counter()
        created = self.api.post(self.base + "/api/tags/", json=body, timeout=TIMEOUT_SECONDS)
        made = ("tagging", time.perf_counter() - started, created.status_code)
        if created.status_code not in (200, 201):
            return [made]
        started = time.perf_counter()
        deleted = self.api.delete(self.base + f"/api/tags/{created.json()['id']}/",
                                  timeout=TIMEOUT_SECONDS)
        return [made, ("tagging", time.perf_counter() - started, deleted.status_code)]


def run(*, base: str, clients: int, seconds: float, corpus: Corpus, token: str) -> Results:
    results = Results()
    warm_until = time.monotonic() + WARMUP_SECONDS
    stop_at = warm_until + seconds

    def work(index: int) -> None:
        client = LoadClient(base=base, corpus=corpus, token=token, seed=index)
        while time.monotonic() < stop_at:
            try:
                measured = client.one()
            except requests.RequestException as error:
                measured = [("connection", 0.0, 0)]
                print(f"client {index}: {error}", file=sys.stderr)
            if time.monotonic() > warm_until:
                for kind, elapsed, status in measured:
                    results.record(kind, elapsed, status)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + WARMUP_SECONDS + TIMEOUT_SECONDS + 5)
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(results: Results, *, seconds: float, clients: int) -> bool:
    print(f"{clients} clients for {seconds:.0f} s (after {WARMUP_SECONDS} s of warm-up)\n")
    print(f"{'kind':<12}{'requests':>9}{'per s':>7}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
          "  not 2xx")
    every = []
    server_errors = 0
    for kind in sorted(results.latencies):
        latencies = results.latencies[kind]
        every += latencies
        failures = {status: count for status, count in results.statuses[kind].items()
                    if not 200 <= status < 300}
        server_errors += sum(count for status, count in failures.items()
                             if status >= 500 or status == 0)
        print(f"{kind:<12}{len(latencies):>9}{len(latencies) / seconds:>7.1f}"
              f"{statistics.median(latencies) * 1000:>8.0f}"
              f"{percentile(latencies, 0.95) * 1000:>8.0f}{max(latencies) * 1000:>8.0f}"
              f"  {failures or '-'}")
    if every:
        print(f"{'all':<12}{len(every):>9}{len(every) / seconds:>7.1f}"
              f"{statistics.median(every) * 1000:>8.0f}{percentile(every, 0.95) * 1000:>8.0f}"
              f"{max(every) * 1000:>8.0f}")
    print(f"\nServer errors (5xx or no answer): {server_errors}")
    return server_errors == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    arguments = parser.parse_args()
    if urlsplit(arguments.url).hostname not in LOOPBACK:
        parser.error("the bench only loads a server on this machine (127.0.0.1)")
    if not 0 < arguments.seconds <= 600:
        parser.error("--seconds must be between 0 and 600")
    corpus = corpus_load()
    if not corpus.passages:
        sys.exit("No corpus in the database: run `make load` first.")
    token = bench_token()
    try:
        results = run(base=arguments.url.rstrip("/"), clients=arguments.clients,
                      seconds=arguments.seconds, corpus=corpus, token=token)
    finally:
        left = bench_tags_delete()
    ok = report(results, seconds=arguments.seconds, clients=arguments.clients)
    print(f"Bench tags left behind by interrupted requests, now deleted: {left}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
