"""The public API fuzzed by schemathesis against its own OpenAPI schema (a bounded run).

Every operation of the offers, territories and organisations (token) routers gets generated
requests, valid and invalid, anonymous and with a real token: no answer may be a server
error, and every answer must be one the schema declares, with the declared content type and
body. The matching router (still being built in tremplin/matching/) is left to its own tests.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.syndication import services_tokens
from tremplin.syndication.services_tokens import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    tag_regex="^(annonces|territoires|organisations)$"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _keep_connection() -> object:
    """Requests go through the WSGI application, whose end closes the database connection
    (`close_old_connections`): inside a test transaction on PostgreSQL that would close it.
    Django's test client disconnects these handlers the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    # The fuzzing sends hundreds of requests a minute: reach the operations, not the limit
    # (which test_api.py checks).
    monkeypatch.setattr(services_tokens, "RATE_PER_MINUTE", 1_000_000)
    organisation = OrganisationFactory(verified=True)
    admin = MembershipFactory(admin=True, organisation=organisation).user
    OfferFactory(published=True, organisation=organisation)
    CommuneFactory(insee="00000", name="Commune des exemples")  # hypothesis's first INSEE code
    OfferFactory(published=True)
    return api_token_create(organisation=organisation, name="fuzz", by=admin)[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_request_as_its_schema_says(case, token, _keep_connection):
    # Operations that take a token get a valid one (schemathesis also sends bad ones).
    secured = "security" in case.operation.definition.raw
    headers = {"Authorization": f"Bearer {token}"} if secured else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
