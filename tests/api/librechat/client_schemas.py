"""LibreChat's client schemas (``librechat-data-provider`` 0.8.x), transcribed as JSON Schema.

Each schema names the zod schema or TypeScript type it transcribes. Zod objects
keep unknown keys out of the parsed value but do not fail on them, so unknown
properties are allowed here too; what is checked is that every field the client
declares is present when required, absent or of its type when optional, and
``null`` only where the client allows it (``.nullable()``).
"""

from __future__ import annotations

from jsonschema import Draft202012Validator

STRING = {"type": "string"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
STRINGS = {"type": "array", "items": STRING}


def nullable(schema: dict) -> dict:
    """zod's ``.nullable()``."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(required: dict, optional: dict | None = None) -> dict:
    return {
        "type": "object",
        "required": sorted(required),
        "properties": {**required, **(optional or {})},
    }


# EModelEndpoint (schemas.ts), the values eModelEndpointSchema accepts
MODEL_ENDPOINTS = [
    "azureOpenAI",
    "openAI",
    "google",
    "anthropic",
    "assistants",
    "azureAssistants",
    "agents",
    "custom",
    "bedrock",
    "chatGPTBrowser",
    "gptPlugins",
]

# feedbackSchema (feedback.ts): rating, tag (FEEDBACK_REASON_KEYS), text max 1024
FEEDBACK = obj(
    {
        "rating": {"enum": ["thumbsUp", "thumbsDown"]},
        "tag": {
            "enum": [
                "not_matched",
                "inaccurate",
                "bad_style",
                "missing_image",
                "unjustified_refusal",
                "not_helpful",
                "other",
                "accurate_reliable",
                "creative_solution",
                "clear_well_written",
                "attention_to_detail",
            ]
        },
    },
    {"text": {"type": "string", "maxLength": 1024}},
)

# tMessageSchema (schemas.ts) & TMessage's extra ``content?: TMessageContentParts[]``
T_MESSAGE = obj(
    {
        "messageId": STRING,
        "conversationId": nullable(STRING),
        "parentMessageId": nullable(STRING),
        "text": STRING,
        "isCreatedByUser": BOOLEAN,
    },
    {
        "endpoint": STRING,
        "clientId": nullable(STRING),
        "responseMessageId": nullable(STRING),
        "overrideParentMessageId": nullable(STRING),
        "bg": nullable(STRING),
        "model": nullable(STRING),
        "title": nullable(STRING),
        "sender": STRING,
        "generation": nullable(STRING),
        "isTemporary": BOOLEAN,
        "expiredAt": nullable(STRING),
        "error": BOOLEAN,
        "clientTimestamp": STRING,
        "createdAt": STRING,
        "updatedAt": STRING,
        "current": BOOLEAN,
        "unfinished": BOOLEAN,
        "searchResult": BOOLEAN,
        "finish_reason": STRING,
        "thread_id": STRING,
        "iconURL": nullable(STRING),
        "feedback": FEEDBACK,
        "metadata": {"type": "object"},
        "tokenCount": NUMBER,
        "content": {"type": "array", "items": {"type": "object", "required": ["type"]}},
    },
)

# tConversationSchema (schemas.ts): the fields this service can send
T_CONVERSATION = obj(
    {
        "conversationId": nullable(STRING),
        "endpoint": nullable({"enum": MODEL_ENDPOINTS}),
        "createdAt": STRING,
        "updatedAt": STRING,
    },
    {
        "endpointType": nullable({"enum": MODEL_ENDPOINTS}),
        "isArchived": BOOLEAN,
        "pinned": BOOLEAN,
        "title": nullable(STRING),
        "user": STRING,
        "messages": STRINGS,
        "modelLabel": nullable(STRING),
        "userLabel": STRING,
        "model": nullable(STRING),
        "promptPrefix": nullable(STRING),
        "temperature": nullable(NUMBER),
        "top_p": NUMBER,
        "frequency_penalty": NUMBER,
        "presence_penalty": NUMBER,
        "parentMessageId": STRING,
        "tags": STRINGS,
        "file_ids": STRINGS,
        "resendFiles": BOOLEAN,
        "assistant_id": STRING,
        "agent_id": STRING,
        "spec": nullable(STRING),
        "iconURL": nullable(STRING),
        "greeting": STRING,
        "expiredAt": nullable(STRING),
        "isTemporary": BOOLEAN,
        "stop": STRINGS,
    },
)

# tConversationTagSchema (schemas.ts)
T_CONVERSATION_TAG = obj(
    {
        "_id": STRING,
        "user": STRING,
        "tag": STRING,
        "createdAt": STRING,
        "updatedAt": STRING,
        "count": NUMBER,
        "position": NUMBER,
    },
    {"description": STRING},
)


def array_of(item: dict) -> dict:
    return {"type": "array", "items": item}


# ConversationListResponse (types/queries.ts)
CONVERSATION_LIST_RESPONSE = obj(
    {"conversations": array_of(T_CONVERSATION), "nextCursor": nullable(STRING)}
)
# MessagesListResponse (types/queries.ts)
MESSAGES_LIST_RESPONSE = obj({"messages": array_of(T_MESSAGE), "nextCursor": nullable(STRING)})
# TForkConvoResponse / TDuplicateConvoResponse (types.ts)
COPY_RESPONSE = obj({"conversation": T_CONVERSATION, "messages": array_of(T_MESSAGE)})
# TDeleteConversationResponse (types.ts)
DELETE_CONVERSATION_RESPONSE = obj(
    {
        "acknowledged": BOOLEAN,
        "deletedCount": NUMBER,
        "messages": obj({"acknowledged": BOOLEAN, "deletedCount": NUMBER}),
    }
)
# TArchiveAllConversationsResponse (types.ts)
ARCHIVE_ALL_RESPONSE = obj({"archivedCount": NUMBER})
# TGenTitleResponse (types/mutations.ts)
GEN_TITLE_RESPONSE = obj({"title": STRING})
# TUpdateFeedbackResponse (types.ts)
UPDATE_FEEDBACK_RESPONSE = obj(
    {"messageId": STRING, "conversationId": STRING}, {"feedback": FEEDBACK}
)
# TTagConversationResponse (types.ts): the conversation's tags
TAG_CONVERSATION_RESPONSE = array_of(STRING)

# tSharedLinkSchema (schemas.ts) without ``messages``, as TSharedMessagesResponse has it
SHARED_MESSAGES_RESPONSE = obj(
    {
        "conversationId": STRING,
        "shareId": STRING,
        "isPublic": BOOLEAN,
        "title": STRING,
        "createdAt": STRING,
        "updatedAt": STRING,
        "messages": array_of(T_MESSAGE),
    },
    {"targetMessageId": STRING},
)
# TSharedLinkResponse (types.ts)
SHARED_LINK_RESPONSE = obj(
    {"shareId": STRING, "conversationId": STRING}, {"targetMessageId": STRING, "_id": STRING}
)
# TSharedLinkGetResponse (types.ts)
SHARED_LINK_GET_RESPONSE = obj(
    {"shareId": nullable(STRING), "success": BOOLEAN, "conversationId": STRING},
    {"targetMessageId": STRING},
)
# SharedLinksResponse and SharedLinkItem (types/queries.ts); a Date arrives as ISO text
SHARED_LINKS_RESPONSE = obj(
    {
        "links": array_of(
            obj(
                {
                    "shareId": STRING,
                    "title": STRING,
                    "isPublic": BOOLEAN,
                    "createdAt": STRING,
                    "conversationId": STRING,
                }
            )
        ),
        "nextCursor": nullable(STRING),
        "hasNextPage": BOOLEAN,
    }
)
# TDeleteSharedLinkResponse (types/mutations.ts)
DELETE_SHARED_LINK_RESPONSE = obj({"success": BOOLEAN, "shareId": STRING, "message": STRING})


def check(instance: object, schema: dict) -> object:
    """Fail with every violation if ``instance`` does not satisfy ``schema``; return it."""
    errors = sorted(Draft202012Validator(schema).iter_errors(instance), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return instance
