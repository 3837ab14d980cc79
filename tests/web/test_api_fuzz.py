"""Fuzzing the whole JSON API with schemathesis, driven by /api/openapi.json.

Every operation in the OpenAPI document gets generated requests (valid and
invalid) with a real admin Bearer token, on the in-process WSGI app over a
database holding the demo world. Each response must: not be a 5xx, have a
status code the operation documents explicitly (flask-smorest's catch-all
``default`` response does not count), match the documented body schema,
content type and headers, refuse schema-invalid input with a 4xx, answer 405
with ``Allow`` to methods it does not offer, and refuse the request without the
token. The run is derandomized so CI sees the same examples every time.

Not checked: schemathesis's ``positive_data_acceptance``, because "schema-valid"
is not "valid" here: a contact's list must exist, a meeting must end after it
starts, a release must be approved before it is sent. Those answer 404/409/422.
"""

from __future__ import annotations

import shutil
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, ignored_auth, negative_data_rejection,
                                               response_headers_conformance, response_schema_conformance,
                                               unsupported_method)

from comms.accounts import users as auth
from comms.app import create_app
from comms.config import load_config
from comms.platform.seeding import seed_demo
from storage import migrate
from storage.db import Database

from support.app import PASSWORD, base_environ


def _openapi_document() -> dict:
    # The document depends only on the code, so a throwaway app can serve it at
    # collection time; the tests themselves run against the fixture's app.
    with tempfile.TemporaryDirectory() as folder:
        config = load_config({"DATABASE_URL": f"sqlite:///{folder}/spec.db", "PRESSROOM_INSTANCE_PATH": folder,
                              "SECRET_KEY": "spec", "PRESSROOM_ENV": "testing"}, testing=True)
        app = create_app(config)
        try:
            return app.test_client().get("/api/openapi.json").get_json()
        finally:
            app.extensions["pressroom"].close()


schema = schemathesis.openapi.from_dict(_openapi_document())


def documented_status(ctx, response, case):
    """The status code is one the operation lists itself, not only the catch-all ``default``."""
    if case.method.upper() != case.operation.method.upper():
        return None  # probes with other methods are unsupported_method's business
    documented = {str(code) for code in case.operation.definition.raw.get("responses", {})} - {"default"}
    if str(response.status_code) not in documented:
        raise AssertionError(f"{case.method} {case.path} answered {response.status_code}, "
                             f"which it does not document (documented: {', '.join(sorted(documented))})")


def _token_removed_on_purpose(case) -> bool:
    # Negative cases that drop the Authorization header must go out without it;
    # adding the token back would turn them into valid requests that "should" fail.
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    mutations = getattr(meta.phase.data, "mutations", None) or []
    return any(str(getattr(m, "parameter", "") or "").lower() == "authorization" for m in mutations)


CHECKS = [not_a_server_error, documented_status, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, unsupported_method, ignored_auth]


@pytest.fixture(scope="module")
def fuzzed_site(tmp_path_factory, backend, postgres, migrated_template):
    """One app for the whole module over the demo world, and an admin's token.

    Built once rather than per operation: the run stays around a minute, and
    what earlier operations created is there for later ones to trip over.
    """
    folder = tmp_path_factory.mktemp("fuzz")
    if backend == "postgresql":
        url = postgres.create("pressroom_fuzz")
        database = Database(url)
        migrate.upgrade(database.engine)
        database.dispose()
    else:
        shutil.copy(migrated_template, folder / "fuzz.db")
        url = f"sqlite:///{folder / 'fuzz.db'}"
    app = create_app(load_config(base_environ(url, folder / "instance"), testing=True))
    runtime = app.extensions["pressroom"]
    seed_demo(runtime.db, documents_path=runtime.config.documents_path)
    with runtime.db.transaction() as session:
        admin = auth.create_user(session, "fuzz-admin@example.org", "admin", name="Fuzz Admin", password=PASSWORD)
        _token, secret = auth.create_token(session, admin, "fuzz")
    yield app, secret
    runtime.close()
    if backend == "postgresql":
        postgres.drop(url)


@schema.parametrize()
@settings(max_examples=8, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_operation(case, fuzzed_site):
    """One operation: generated requests get documented, schema-true, non-5xx answers."""
    app, token = fuzzed_site
    # Checks send probes of their own (without the token, other methods): they use the schema's app.
    case.operation.schema.app = app
    headers = {} if _token_removed_on_purpose(case) else {"Authorization": f"Bearer {token}"}
    case.call_and_validate(app=app, base_url="http://localhost", checks=CHECKS, headers=headers)
