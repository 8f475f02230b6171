"""OpenAPI helpers shared by the dialects."""

from __future__ import annotations

from collections.abc import Mapping

from flask_smorest import Blueprint


def error_responses(blp: Blueprint, schema, descriptions: Mapping[int, str]):
    """A decorator factory: ``@documents_errors(401, 404)`` documents those statuses."""

    def documents_errors(*statuses: int):
        def decorate(view):
            for status in statuses:
                document = blp.alt_response(status, schema=schema, description=descriptions[status])
                view = document(view)
            return view

        return decorate

    return documents_errors
