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


METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_every_token_route_documents_401_and_public_ones_need_no_token(client):
    spec = client.get("/openapi.json").json
    for path, method, operation in operations(spec):
        public = operation.get("security") == []
        assert ("401" in operation["responses"]) != public, (method, path)


DIALECT_ERRORS = {"/v1": "PlatformError", "/api": "LibreChatError", "/chat": "ChatError"}


def test_every_data_route_documents_503_in_its_dialect_schema(client):
    spec = client.get("/openapi.json").json
    data_routes = 0
    for path, method, operation in operations(spec):
        if operation["tags"] == ["System"]:
            continue
        data_routes += 1
        unavailable = operation["responses"].get("503")
        assert unavailable is not None, (method, path)
        prefix = "/" + path.split("/")[1]
        assert ref(unavailable) == DIALECT_ERRORS[prefix], (method, path)
        assert "retry" in unavailable["description"].lower(), (method, path)
    assert data_routes > 40


def test_tags_are_human_names_listed_once_and_grouped_by_dialect(client):
    spec = client.get("/openapi.json").json
    listed = [tag["name"] for tag in spec["tags"]]
    used = {tag for _, _, operation in operations(spec) for tag in operation["tags"]}
    assert set(listed) == used
    assert len(listed) == len(set(listed))
    assert all(" " in name or name == "System" for name in listed)
    groups = [name.split(":")[0] for name in listed]
    adjacent = [group for i, group in enumerate(groups) if i == 0 or groups[i - 1] != group]
    assert len(adjacent) == len(set(adjacent)) == 4  # Platform, LibreChat, Chat, System


def test_import_routes_sit_with_their_dialect(client):
    paths = client.get("/openapi.json").json["paths"]
    assert paths["/api/convos/import"]["post"]["tags"] == ["LibreChat: conversations"]
    assert paths["/v1/users/{user_id}/data"]["delete"]["tags"][0].startswith("Platform: ")
