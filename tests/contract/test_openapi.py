"""Contract: the OpenAPI document is valid, and generated requests never get a 5xx.

Schemathesis derives requests (valid and invalid) from the served OpenAPI document
and sends them through the real app, with a valid token, on seeded demo data.
"""

import os

import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

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


def test_openapi_document_is_valid():
    validate(APP.test_client().get("/openapi.json").json)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case):
    response = case.call(headers=AUTH)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith(("application/json", "text/")), content_type
