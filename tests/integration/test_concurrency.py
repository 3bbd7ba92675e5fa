"""Twenty clients tag at once against a live server: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from annotations.models import Tag
from tests.api_roles import token_key

CLIENTS = 20
TIMEOUT_SECONDS = 20


def _request(url: str, *, method: str, token: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json",
        "Accept": "application/json",
    })
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_concurrent_clients_create_and_delete_tags(live_server, make_passage, themes, make_user):
    passage = make_passage("Workers and managers bargained over bonuses and the plan. " * 3)
    users = [make_user(f"coder{index}", role="researcher") for index in range(CLIENTS)]
    tokens = [token_key(user) for user in users]
    shared_owner_token = tokens[0]
    doomed = Tag.objects.create(
        source=passage.source, passage=passage, theme=themes["workerism"], user=users[0],
        start=0, end=7, quote=passage.text[0:7],
    )
    tags_url = f"{live_server.url}/api/tags/"

    def client(index: int) -> list[int]:
        token = tokens[index]
        statuses = [
            # Everyone races to create the same tag as user 0 would: only user 0's
            # token is used for it, so exactly one may exist afterwards.
            _request(tags_url, method="POST", token=shared_owner_token, body={
                "passage": passage.pk, "theme": "paternalism", "start": 8, "end": 12}),
            # Each client's own tag, and one it creates and deletes again.
            _request(tags_url, method="POST", token=token, body={
                "passage": passage.pk, "theme": "informal-relations", "memo": f"by {index}"}),
        ]
        created = _create_and_read_id(tags_url, token=token, passage_id=passage.pk, start=index)
        statuses.append(_request(f"{tags_url}{created}/", method="DELETE", token=token))
        # Everyone tries to delete the same tag; only its owner may, once.
        statuses.append(_request(f"{tags_url}{doomed.pk}/", method="DELETE", token=token))
        return statuses

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))

    statuses = [status for result in results for status in result]
    assert not [status for status in statuses if status >= 500]
    assert sorted({result[0] for result in results}) <= [200, 201]
    assert Tag.objects.filter(theme__slug="paternalism", start=8, end=12).count() == 1
    assert Tag.objects.filter(theme__slug="informal-relations").count() == CLIENTS
    assert not Tag.objects.filter(theme__slug="collective-action").exists()
    assert not Tag.objects.filter(pk=doomed.pk).exists()
    deletions_of_doomed = [result[3] for result in results]
    assert deletions_of_doomed.count(204) == 1


def _create_and_read_id(url: str, *, token: str, passage_id: int, start: int) -> int:
    request = urllib.request.Request(url, method="POST", data=json.dumps({
        "passage": passage_id, "theme": "collective-action", "start": start, "end": start + 5,
    }).encode(), headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return json.loads(response.read())["id"]
