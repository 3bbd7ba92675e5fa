"""The API against its own OpenAPI schema: schemathesis fuzzes every operation, in-process.

Anonymous and as a researcher (token), with schemathesis' default checks: no server
errors, and every status, content type and body as the schema documents them.
Bounded and deterministic: few examples per operation, derandomised, no network.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from annotations.services import tag_create
from config.wsgi import application
from tests.api_roles import token_key

# Examples per operation and role, on top of schemathesis' own coverage cases.
MAX_EXAMPLES = 20

CONFIG = SchemathesisConfig.from_dict({
    "seed": 1994,
    "checks": {
        # A schema cannot say "the slug of a theme that exists": a well-formed request
        # may rightly be refused with a 400 that names the parameter.
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"],
        },
    },
})

# drf-spectacular builds the schema without the database, so it can load at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@schema.auth(refresh_interval=None)
class RoleToken:
    """The token of the role under test (None: anonymous), given as schemathesis' own auth
    so that its authentication checks know the credentials are real."""

    key: str | None = None

    def get(self, case, context) -> str | None:
        return RoleToken.key

    def set(self, case, data: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture(params=["anonymous", "researcher"])
def role(request, researcher, monkeypatch) -> str:
    if request.param == "researcher":
        monkeypatch.setattr(RoleToken, "key", token_key(researcher))
    return request.param


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Every test makes its users, and the token operation checks a password per example.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """Keeps the test's database connection open across requests, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def corpus_data(db, make_passage, researcher, other_researcher, themes) -> None:
    passages = [
        make_passage("Steelworkers could not strike: the combine owned their flats.",
                     source_slug="crowley-1994", section_title="Barriers"),
        make_passage("The director handed out flats to loyal workers.",
                     source_slug="crowley-1994", section_title="Barriers"),
        make_passage("¹ See the factory newspaper.", source_slug="crowley-1994",
                     section_title="Barriers", kind="note"),
        make_passage("Shock workers were held up as heroes of the plan.",
                     source_slug="graziosi-1995", section_title="Workerism"),
    ]
    for user in (researcher, other_researcher):
        tag_create(user=user, passage=passages[0], theme=themes["collective-action"],
                   start=0, end=12, memo="who")
        tag_create(user=user, passage=passages[3], theme=themes["workerism"])


@pytest.mark.usefixtures("corpus_data", "wsgi_in_test_transaction")
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, role):
    case.call_and_validate()
