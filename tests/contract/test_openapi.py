"""Contract: the OpenAPI document is valid, and generated requests get documented answers.

Schemathesis derives requests (valid and invalid, and the documented examples) from
the served OpenAPI document and sends them through the real app, with a valid token,
on seeded demo data (the examples name its ids). Every answer must be no 5xx, of a
documented status and content type, with a body and headers matching the schemas.

Bounded for CI: a few examples per operation, derandomized (the same requests every
run). ``make fuzz-long`` sets ``CONTRACT_EXAMPLES`` high and ``CONTRACT_RANDOM=1``.
"""

import os

import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis import checks

from app import create_app
from app.api.auth import mint_token
from tests.conftest import TEST_MONGO_URI, TEST_SECRET

APP = create_app(
    {
        "MONGO_URI": TEST_MONGO_URI,
        "MONGO_DB": "colloquy_contract",
        "JWT_SECRET_KEY": TEST_SECRET,
        "TESTING": True,
        "SEED_DEMO_DATA": False,
        "RATELIMIT_ENABLED": False,
    }
)
with APP.app_context():
    from app.core import demo
    from app.extensions import mongo

    demo.seed(mongo.db, conversations_per_user=3)
    AUTH = {"Authorization": f"Bearer {mint_token('alice')}"}

schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "12"))  # raise it for a deeper local run
RANDOM = os.environ.get("CONTRACT_RANDOM") == "1"  # new requests each run, not CI's fixed ones


def test_openapi_document_is_valid():
    validate(APP.test_client().get("/openapi.json").json)


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_documented_answers(case):
    response = case.call(headers=AUTH)
    case.validate_response(response, checks=CHECKS)
