"""``/v1/conversations/<id>/compact``, ``/compact/preview``, ``/context``, ``/summaries``,
``/compaction`` through HTTP, with and without an LLM (a loopback server)."""

import pytest

from app.core import background, compaction, conversations, messages, titles
from app.core.scope import Scope
from app.core.summaries import Summariser

ALICE = Scope.for_user("alice")
SEED_FIELDS = {
    "conversation_id",
    "messages_compacted",
    "tokens_before",
    "tokens_after",
    "tokens_saved",
    "compression_ratio",
    "preview_only",
}


@pytest.fixture
def conv(app_db):
    """Alice's conversation: a system prompt, a pinned fact and 16 turns."""
    created = conversations.create(app_db, ALICE, model="gpt-4o")
    rows = [("system", "You are helpful."), ("user", "My account is 7731.")]
    rows += [
        ("user" if i % 2 == 0 else "assistant", f"Point {i} about the launch. Owner {i} agrees.")
        for i in range(16)
    ]
    for role, text in rows:
        messages.append(app_db, ALICE, created["_id"], messages.NewMessage(role=role, text=text))
    pinned = app_db.messages.find_one({"conversation_id": created["_id"], "seq": 2})
    messages.set_pinned(app_db, ALICE, created["_id"], pinned["_id"], True)
    return created


def url(conv_id, tail):
    return f"/v1/conversations/{conv_id}/{tail}"


def test_compact_answers_the_seed_shape(client, auth, conv, app_db):
    response = client.post(
        url(conv["_id"], "compact"),
        json={"strategy": "summarization", "keep_last": 4},
        headers=auth(),
    )
    assert response.status_code == 200
    data = response.json["data"]
    assert set(data) >= SEED_FIELDS
    assert data["conversation_id"] == conv["_id"]
    assert data["messages_compacted"] == 12
    assert data["tokens_saved"] == data["tokens_before"] - data["tokens_after"] > 0
    assert data["compression_ratio"] == round(data["tokens_saved"] / data["tokens_before"], 4)
    assert data["preview_only"] is False
    assert data["summarizer"] == "extractive" and data["warning"] is None
    assert app_db.messages.count_documents({"compacted_by": data["summary_id"]}) == 12
    assert app_db.messages.count_documents({"conversation_id": conv["_id"]}) == 18


def test_preview_gives_the_same_figures_and_writes_nothing(client, auth, conv, app_db):
    body = {"strategy": "hybrid", "window_size": 3}
    preview = client.post(url(conv["_id"], "compact/preview"), json=body, headers=auth())
    assert preview.status_code == 200
    assert preview.json["data"]["preview_only"] is True
    assert app_db.messages.count_documents({"compacted_by": {"$ne": None}}) == 0
    assert app_db.summaries.count_documents({}) == 0
    real = client.post(url(conv["_id"], "compact"), json=body, headers=auth()).json["data"]
    for name in SEED_FIELDS - {"preview_only"}:
        assert preview.json["data"][name] == real[name]


def test_context_respects_the_budget_and_puts_the_summary_first(client, auth, conv):
    client.post(url(conv["_id"], "compact"), json={"strategy": "summarization"}, headers=auth())
    response = client.get(url(conv["_id"], "context?max_tokens=150&model=gpt-4"), headers=auth())
    assert response.status_code == 200
    data = response.json["data"]
    assert data["token_count"] <= 150
    assert data["encoding"] == "cl100k_base" and data["exact"] is True
    roles = [(m["kind"], m["role"]) for m in data["messages"]]
    assert roles[:2] == [("message", "system"), ("summary", "system")]
    assert data["messages"][2]["content"] == "My account is 7731."
    assert data["messages"][2]["is_pinned"] is True
    assert data["messages"][-1]["content"] == "Point 15 about the launch. Owner 15 agrees."
    assert data["messages"][-1]["created_at"].endswith("Z")


def test_context_without_budget_lists_everything_live(client, auth, conv):
    data = client.get(url(conv["_id"], "context"), headers=auth()).json["data"]
    assert len(data["messages"]) == 18 and data["omitted"] == 0
    assert data["max_tokens"] is None
    assert data["token_count"] == sum(m["token_count"] for m in data["messages"])


def test_summaries_list_their_coverage(client, auth, conv):
    client.post(
        url(conv["_id"], "compact"),
        json={"strategy": "sliding_window", "window_size": 10},
        headers=auth(),
    )
    client.post(
        url(conv["_id"], "compact"),
        json={"strategy": "summarization", "keep_last": 2},
        headers=auth(),
    )
    response = client.get(url(conv["_id"], "summaries"), headers=auth())
    assert response.status_code == 200
    first, second = response.json["data"]
    assert (first["number"], first["strategy"], first["text"]) == (1, "sliding_window", None)
    assert first["messages_compacted"] == len(first["message_ids"]) == 6
    assert second["strategy"] == "summarization" and second["provider"] == "extractive"
    assert second["messages_compacted"] == 8
    assert not set(first["message_ids"]) & set(second["message_ids"])
    assert second["created_at"].endswith("Z")


def test_automatic_compaction_setting_round_trip(client, auth, conv):
    assert client.get(url(conv["_id"], "compaction"), headers=auth()).json["data"]["strategy"] == (
        "none"
    )
    body = {"strategy": "hybrid", "threshold_tokens": 2000, "window_size": 6}
    response = client.put(url(conv["_id"], "compaction"), json=body, headers=auth())
    assert response.status_code == 200
    assert response.json["data"] == {**body, "max_tokens": None, "keep_last": None, "model": None}
    assert (
        client.get(url(conv["_id"], "compaction"), headers=auth()).json["data"]
        == (response.json["data"])
    )


def test_appends_past_the_threshold_compact_automatically(client, auth, conv, app_db, monkeypatch):
    monkeypatch.setattr(background, "run_in_background", lambda job, name="": job())
    body = {"strategy": "sliding_window", "threshold_tokens": 50, "window_size": 2}
    client.put(url(conv["_id"], "compaction"), json=body, headers=auth())
    messages.append(app_db, ALICE, conv["_id"], messages.NewMessage(role="user", text="next"))
    live = client.get(url(conv["_id"], "context"), headers=auth()).json["data"]["messages"]
    assert [m["role"] for m in live] == ["system", "user", "assistant", "user"]


def test_a_second_compaction_at_once_gets_409(client, auth, conv, app_db):
    compaction._acquire_lock(app_db, conv)
    response = client.post(url(conv["_id"], "compact"), json={"strategy": "hybrid"}, headers=auth())
    assert response.status_code == 409
    assert response.json["error"]["type"] == "conflict"
    assert app_db.summaries.count_documents({}) == 0


@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("post", "compact", {"strategy": "hybrid"}),
        ("post", "compact/preview", {"strategy": "hybrid"}),
        ("get", "context", None),
        ("get", "summaries", None),
        ("get", "compaction", None),
        ("put", "compaction", {"strategy": "none"}),
    ],
)
def test_other_users_and_unknown_ids_get_404(client, auth, conv, method, tail, body):
    for conv_id, user in ((conv["_id"], "bob"), ("no-such-id", "alice")):
        call = getattr(client, method)
        response = call(url(conv_id, tail), json=body, headers=auth(user))
        assert response.status_code == 404, (conv_id, user)
        assert response.json["error"]["type"] in ("not_found", "not_owned")
    assert client.get(url(conv["_id"], "context")).status_code == 401


def test_an_admin_may_compact_a_users_conversation(client, auth, conv):
    response = client.post(
        url(conv["_id"], "compact/preview"),
        json={"strategy": "hybrid"},
        headers=auth("root", role="admin"),
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"strategy": "zip"},
        {"strategy": "hybrid", "window_size": -1},
        {"strategy": "hybrid", "window_size": "5"},
        {"strategy": "hybrid", "max_tokens": 1.5},
        {"strategy": "hybrid", "keep_last": None},
        {"strategy": {"$gt": ""}},
        {"strategy": "hybrid", "model": ""},
        {"strategy": "hybrid", "surprise": 1},
        ["hybrid"],
    ],
)
def test_bad_bodies_get_422_and_change_nothing(client, auth, conv, app_db, body):
    response = client.post(url(conv["_id"], "compact"), json=body, headers=auth())
    assert response.status_code == 422
    assert response.json["error"]["type"] == "validation_error"
    assert app_db.messages.count_documents({"compacted_by": {"$ne": None}}) == 0


def test_malformed_json_and_bad_queries(client, auth, conv):
    headers = {**auth(), "Content-Type": "application/json"}
    response = client.post(url(conv["_id"], "compact"), data="{nope", headers=headers)
    assert response.status_code == 400
    assert "error" in response.json
    for query in ("max_tokens=-5", "max_tokens=abc", "model=" + "m" * 300):
        assert client.get(url(conv["_id"], f"context?{query}"), headers=auth()).status_code == 422


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"strategy": "hybrid"}, 400),
        ({"strategy": "hybrid", "threshold_tokens": 0}, 422),
        ({"strategy": "hybrid", "threshold_tokens": "9"}, 422),
        ({"strategy": "maybe", "threshold_tokens": 9}, 422),
    ],
)
def test_bad_auto_settings_are_refused(client, auth, conv, body, status):
    response = client.put(url(conv["_id"], "compaction"), json=body, headers=auth())
    assert response.status_code == status
    assert client.get(url(conv["_id"], "compaction"), headers=auth()).json["data"]["strategy"] == (
        "none"
    )


def test_routes_are_documented(client):
    paths = client.get("/openapi.json").json["paths"]
    for tail in ("compact", "compact/preview", "context", "summaries", "compaction"):
        assert f"/v1/conversations/{{conversation_id}}/{tail}" in paths
    assert "409" in paths["/v1/conversations/{conversation_id}/compact"]["post"]["responses"]


# --- with an LLM -------------------------------------------------------------------------


@pytest.fixture
def llm_app_config(app_config, fake_llm, llm_timeout):
    """An app that talks to the fake LLM; the process-wide LLM services are reset after."""
    app_config.update(
        LLM_BASE_URL=fake_llm.base_url,
        LLM_API_KEY="sk-test",
        LLM_MODEL="tiny-model",
        LLM_TIMEOUT_SECONDS=llm_timeout,
        LLM_MAX_RETRIES=0,
    )
    yield app_config
    titles.configure(None)
    compaction.configure(Summariser())


def test_summaries_come_from_the_llm_when_configured(llm_app_config, fake_llm, client, auth, conv):
    response = client.post(
        url(conv["_id"], "compact"), json={"strategy": "hybrid", "window_size": 4}, headers=auth()
    )
    data = response.json["data"]
    assert data["summarizer"] == "llm" and data["warning"] is None
    assert fake_llm.requests[0]["json"]["model"] == "tiny-model"
    summary = client.get(url(conv["_id"], "summaries"), headers=auth()).json["data"][0]
    assert summary["provider"] == "llm" and summary["model"] == "tiny-model"
    assert fake_llm.answer in summary["text"]


@pytest.mark.parametrize("llm_mode", ["slow", "error", "garbage"])
def test_a_failing_llm_falls_back_and_the_result_says_so(
    llm_app_config,
    fake_llm,
    client,
    auth,
    conv,
    llm_mode,
):
    response = client.post(
        url(conv["_id"], "compact"), json={"strategy": "summarization"}, headers=auth()
    )
    assert response.status_code == 200
    data = response.json["data"]
    assert data["summarizer"] == "extractive"
    assert data["warning"].startswith("LLM failed")
    summary = client.get(url(conv["_id"], "summaries"), headers=auth()).json["data"][0]
    assert summary["provider"] == "extractive" and summary["warning"] == data["warning"]


def test_titles_come_from_the_llm_when_configured(
    llm_app_config, fake_llm, client, auth, app_db, monkeypatch
):
    monkeypatch.setattr(background, "run_in_background", lambda job, name="": job())
    fake_llm.answer = '"Launch plan review."'
    created = conversations.create(app_db, ALICE)
    for role, text in (("user", "Can we review the launch plan?"), ("assistant", "Sure.")):
        messages.append(app_db, ALICE, created["_id"], messages.NewMessage(role=role, text=text))
    stored = app_db.conversations.find_one({"_id": created["_id"]})
    assert (stored["title"], stored["title_source"]) == ("Launch plan review", "generated")
    assert (
        fake_llm.requests[-1]["json"]["messages"][1]["content"] == "Can we review the launch plan?"
    )
