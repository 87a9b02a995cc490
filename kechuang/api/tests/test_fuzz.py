"""schemathesis over the API's own OpenAPI document, as the office and as a town (bearer tokens): no input gives
a server error and every response matches its declared schema. CI runs a bounded, derandomised number of examples
per operation (KECHUANG_FUZZ_EXAMPLES, default 6); `make fuzz` runs many more."""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kechuang.accounts.models import APIToken
from kechuang.api.api import api

EXAMPLES = int(os.environ.get("KECHUANG_FUZZ_EXAMPLES", "6"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()  # in-process: requests share the test's database transaction


@pytest.fixture
def tokens(plan, personas):
    # Like Django's test client: the handler must not close the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {name: APIToken.issue(personas[name], "fuzz")[1] for name in ("office", "town")}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error_and_responses_match_the_schema(case, tokens):
    for name in ("office", "town"):
        response = case.call_and_validate(headers={"Authorization": f"Bearer {tokens[name]}"},
                                          checks=[not_a_server_error, response_schema_conformance])
        assert response.status_code < 500
