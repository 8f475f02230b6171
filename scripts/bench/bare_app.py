"""A bare Flask app answering one canned JSON payload: the HTTP baseline for http_bench.py."""

import os

from flask import Flask, Response

app = Flask(__name__)
PAYLOAD = b"[]"
if os.environ.get("BARE_PAYLOAD"):
    with open(os.environ["BARE_PAYLOAD"], "rb") as source:
        PAYLOAD = source.read()


@app.get("/v1/conversations")
def page():
    return Response(PAYLOAD, content_type="application/json")
