"""The OpenAPI document describes each dialect's errors in that dialect's shape."""

from app.api.docs import DialectErrorsPlugin


def run_plugin(path, responses):
    operations = {"post": {"responses": dict(responses)}}
    DialectErrorsPlugin().operation_helper(path=path, operations=operations)
    return operations["post"]["responses"]


def ref(response):
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_librechat_validation_is_documented_as_400_with_its_schema():
    responses = run_plugin(
        "/api/convos/update", {422: "UNPROCESSABLE_CONTENT", "default": "DEFAULT_ERROR"}
    )
    assert 422 not in responses
    assert ref(responses[400]) == "LibreChatError"
    assert ref(responses["default"]) == "LibreChatError"


def test_chat_keeps_422_with_its_schema():
    responses = run_plugin("/chat/rename/{chat_id}", {422: "UNPROCESSABLE_CONTENT"})
    assert ref(responses[422]) == "ChatError"


def test_explicit_responses_are_left_alone():
    explicit = {"description": "custom", "schema": "X"}
    assert run_plugin("/api/convos", {404: explicit})[404] is explicit


def test_served_document_uses_dialect_schemas(client):
    spec = client.get("/openapi.json").json
    schemas = spec["components"]["schemas"]
    for name in ("PlatformError", "LibreChatError", "ChatError"):
        assert name in schemas
    listing = spec["paths"]["/v1/conversations"]["get"]["responses"]
    assert ref(listing["422"]) == "PlatformError"
    assert ref(listing["default"]) == "PlatformError"
