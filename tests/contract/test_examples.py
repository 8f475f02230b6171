"""The docs page's examples: valid against their own schemas, and working as they stand.

Swagger UI prefills "Try it out" with the documented examples; on a store seeded with
the demo data (what ``make run`` starts with), each request body sent as documented,
to the path its parameter examples name, succeeds.
"""

import pytest
from jsonschema import Draft202012Validator

from app.core import demo

from .responses import operation_template

METHODS = ("get", "post", "put", "patch", "delete")


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method], item.get("parameters", [])


def media_examples(document):
    """(where, schema, example) of every request and response example."""
    for path, method, operation, _ in operations(document):
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += [(status, r) for status, r in operation["responses"].items()]
        for status, body in bodies:
            for media_type, media in body.get("content", {}).items():
                if "example" in media:
                    schema = media.get("schema", {})
                    yield (method, path, status, media_type), schema, media["example"]


def validator(document, schema):
    root = {**schema, "components": document["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def document(client):
    return client.get("/openapi.json").json


def test_every_example_validates_against_its_own_schema(document):
    checked = 0
    for where, schema, example in media_examples(document):
        errors = [e.message for e in validator(document, schema).iter_errors(example)]
        assert not errors, (where, errors)
        checked += 1
    for _, _, operation, parameters in operations(document):
        for parameter in parameters + operation.get("parameters", []):
            if "example" in parameter:
                assert validator(document, parameter["schema"]).is_valid(parameter["example"])
    assert checked > 100


def test_every_json_request_body_has_an_example(document):
    for path, method, operation, _ in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            assert "example" in content["application/json"], (method, path)


def test_each_error_status_shows_its_own_example(document):
    responses = document["paths"]["/v1/conversations/{conversation_id}"]["patch"]["responses"]
    examples = {
        status: r["content"]["application/json"]["example"]
        for status, r in responses.items()
        if status != "200"
    }
    types = {status: example["error"]["type"] for status, example in examples.items()}
    assert types["404"] == "not_found" and types["422"] == "validation_error"
    assert len(set(types.values())) == len(types)
    librechat = document["paths"]["/api/convos/update"]["post"]["responses"]
    assert librechat["400"]["content"]["application/json"]["example"] == {
        "error": "title is required"
    }


def test_each_request_example_succeeds_on_the_demo_data(client, auth, app_db, document):
    executed = []
    for path, method, operation, parameters in operations(document):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" not in media:
            continue
        demo.seed(app_db, conversations_per_user=1)  # afresh: some examples delete
        url = path
        for parameter in parameters + operation.get("parameters", []):
            if parameter["in"] == "path":
                url = url.replace(f"{{{parameter['name']}}}", parameter["example"])
        headers = auth(demo.EXAMPLE_USER)
        response = client.open(url, method=method.upper(), json=media["example"], headers=headers)
        assert 200 <= response.status_code < 300, (method, url, response.json)
        assert operation_template(client.application, method.upper(), url) == path
        executed.append((method, path))
    assert ("post", "/v1/conversations") in executed
    assert ("post", "/v1/conversations/{conversation_id}/messages") in executed
