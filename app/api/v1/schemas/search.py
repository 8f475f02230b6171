"""Search: the list query plus ``q``; results carry the fields that matched."""

from __future__ import annotations

from marshmallow import fields, validate

from ....core.search import QUERY_MAX
from . import page_of
from .conversations import ConversationSchema, ListQuerySchema


class SearchQuerySchema(ListQuerySchema):
    q = fields.String(
        required=True,
        validate=validate.Length(1, QUERY_MAX),
        metadata={
            "description": "Words to find in a title or a message's text: every one, in "
            "any order, ignoring case and accents."
        },
    )


class SearchResultSchema(ConversationSchema):
    matched_fields = fields.List(
        fields.String(), metadata={"description": "`title` and/or `messages`."}
    )


SearchPageSchema = page_of(SearchResultSchema, "SearchPage")
