"""LLM client against a loopback OpenAI-compatible server: the request it sends, its failures."""

import pytest

from app.core.llm import REASON_MAX, LlmClient, LlmFailed, LlmSettings, _reason
from tests import llm_server


def client_for(server, **overrides) -> LlmClient:
    settings = {
        "base_url": server.base_url,
        "model": "tiny-model",
        "timeout_seconds": llm_server.timeout_for(server.mode),
        "max_retries": 0,
        **overrides,
    }
    return LlmClient(LlmSettings(**settings))


def test_complete_sends_one_system_and_one_user_turn(fake_llm):
    answer = client_for(fake_llm, api_key="sk-1").complete("Be brief.", "Summarise this.", 42)
    assert answer == fake_llm.answer
    (request,) = fake_llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer sk-1"
    body = request["json"]
    assert body["model"] == "tiny-model"
    assert (body["max_tokens"], body["temperature"]) == (42, 0)
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Summarise this."},
    ]


def test_complete_strips_the_answer(fake_llm):
    fake_llm.answer = "\n  A title  \n"
    assert client_for(fake_llm).complete("s", "u", 5) == "A title"


def test_a_client_without_a_key_still_sends_one(fake_llm):
    client = client_for(fake_llm, api_key=None)
    client.complete("s", "u", 5)
    assert fake_llm.requests[0]["headers"]["authorization"] == "Bearer not-needed"
    assert client.model == "tiny-model"


@pytest.mark.parametrize(
    ("llm_mode", "reason"),
    [
        ("error", "HTTP 500"),
        ("empty", "empty answer"),
        ("slow", "timed out"),
        ("garbage", "unreadable answer: AttributeError: 'str' object has no attribute 'choices'"),
    ],
)
def test_each_failure_has_a_short_reason(fake_llm, reason):
    with pytest.raises(LlmFailed) as caught:
        client_for(fake_llm).complete("s", "u", 5)
    assert str(caught.value) == reason
    assert len(fake_llm.requests) == 1


def test_a_blank_answer_is_empty(fake_llm):
    fake_llm.answer = "   \n "
    with pytest.raises(LlmFailed, match=r"^empty answer$"):
        client_for(fake_llm).complete("s", "u", 5)


def test_an_unreachable_endpoint_names_the_error(fake_llm):
    client = client_for(fake_llm)
    fake_llm.shutdown()
    fake_llm.server_close()
    with pytest.raises(LlmFailed) as caught:
        client.complete("s", "u", 5)
    assert str(caught.value).startswith("APIConnectionError: ")
    assert len(str(caught.value)) <= REASON_MAX


def test_reasons_are_cut_to_their_maximum():
    reason = _reason(ValueError("x" * 1000))
    assert reason.startswith("ValueError: xxx") and len(reason) == REASON_MAX


def test_settings_from_config_reads_every_key():
    settings = LlmSettings.from_config(
        {
            "LLM_BASE_URL": "http://127.0.0.1:9/v1",
            "LLM_API_KEY": "sk-2",
            "LLM_MODEL": "other-model",
            "LLM_TIMEOUT_SECONDS": "2.5",
            "LLM_MAX_RETRIES": "4",
        }
    )
    assert settings == LlmSettings("http://127.0.0.1:9/v1", "sk-2", "other-model", 2.5, 4)


def test_settings_from_config_defaults():
    settings = LlmSettings.from_config(
        {"LLM_BASE_URL": "http://127.0.0.1:9/v1", "LLM_MODEL": "", "LLM_TIMEOUT_SECONDS": None}
    )
    assert (settings.api_key, settings.model) == (None, "gpt-4o-mini")
    assert (settings.timeout_seconds, settings.max_retries) == (20.0, 2)
    assert LlmSettings.from_config({"LLM_BASE_URL": ""}) is None
