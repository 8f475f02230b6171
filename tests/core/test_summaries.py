"""Summariser: the LLM over real HTTP (a loopback server), its failures, the local fallback."""

import pytest

from app.core import summaries, tokens
from app.core.llm import LlmClient, LlmFailed, LlmSettings
from app.core.summaries import Budget, Summariser
from tests import llm_server


def talk(n: int) -> list[dict]:
    topics = ["deployment", "database migration", "Friday release", "rollback plan"]
    return [
        {
            "role": "user" if i % 2 == 0 else "assistant",
            "text": f"We discussed the {topics[i % 4]} in step {i}. Step {i} is agreed.",
        }
        for i in range(n)
    ]


def client_for(server, **overrides) -> LlmClient:
    settings = {
        "base_url": server.base_url,
        "api_key": "sk-test",
        "model": "tiny-model",
        "timeout_seconds": llm_server.timeout_for(server.mode),
        "max_retries": 0,
        **overrides,
    }
    return LlmClient(LlmSettings(**settings))


def test_llm_summary_over_http(fake_llm):
    result = Summariser(client_for(fake_llm)).summarise("Earlier: hi.", talk(6), Budget(200))
    assert result.provider == "llm" and result.model == "tiny-model"
    assert result.warning is None
    assert result.text == f"{summaries.HEADER}\n{fake_llm.answer}"
    (request,) = fake_llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer sk-test"
    body = request["json"]
    assert body["model"] == "tiny-model" and body["max_tokens"] == 200
    transcript = body["messages"][1]["content"]
    assert transcript.startswith("summary: Earlier: hi.\nuser: We discussed the deployment")


def test_llm_answer_is_cut_to_the_budget(fake_llm):
    fake_llm.answer = "word " * 500
    result = Summariser(client_for(fake_llm)).summarise(None, talk(4), Budget(60))
    assert result.provider == "llm"
    assert summaries.summary_tokens(result.text, tokens.DEFAULT_ENCODING) <= 60


@pytest.mark.parametrize(
    ("llm_mode", "reason"),
    [("slow", "timed out"), ("error", "HTTP 500"), ("garbage", ""), ("empty", "empty answer")],
)
def test_a_failing_llm_falls_back_and_says_so(fake_llm, reason):
    messages = talk(8)
    result = Summariser(client_for(fake_llm)).summarise(None, messages, Budget(120))
    assert result.provider == "extractive"
    assert result.warning.startswith("LLM failed (") and reason in result.warning
    assert result.text == summaries.extractive_summary(None, messages, Budget(120))


def test_retries_are_made_as_configured(fake_llm):
    fake_llm.mode = "error"
    client = client_for(fake_llm, max_retries=1)
    with pytest.raises(LlmFailed):
        client.complete("s", "u", 10)
    assert len(fake_llm.requests) == 2


def test_an_unreachable_llm_fails_cleanly(fake_llm):
    client = client_for(fake_llm)
    fake_llm.shutdown()
    fake_llm.server_close()
    with pytest.raises(LlmFailed):
        client.complete("s", "u", 10)


def test_settings_from_config():
    assert LlmSettings.from_config({}) is None
    settings = LlmSettings.from_config(
        {"LLM_BASE_URL": "http://127.0.0.1:9/v1", "LLM_TIMEOUT_SECONDS": 3, "LLM_MAX_RETRIES": 0}
    )
    assert settings.timeout_seconds == 3.0 and settings.max_retries == 0
    assert settings.model == "gpt-4o-mini"


def test_extractive_summary_is_deterministic_and_fits():
    messages = talk(30)
    budget = Budget(80)
    first = summaries.extractive_summary(None, messages, budget)
    assert first == summaries.extractive_summary(None, messages, budget)
    assert summaries.summary_tokens(first, budget.encoding) <= 80
    lines = first.splitlines()
    assert lines[0] == summaries.HEADER
    assert set(lines[1:]) <= set(summaries.transcript_lines(None, messages))
    assert len(lines) > 2


def test_extractive_summary_keeps_original_order_and_drops_repeats():
    messages = [{"role": "user", "text": "Same thing. Same thing. Different thing here."}] * 3
    text = summaries.extractive_summary(None, messages, Budget(200))
    body = text.splitlines()[1:]
    assert len(body) == len(set(body))


def test_extractive_summary_of_a_long_input_uses_the_linear_ranker():
    messages = talk(summaries.GRAPH_SENTENCES_MAX + 50)
    text = summaries.extractive_summary(None, messages, Budget(150))
    assert summaries.summary_tokens(text, tokens.DEFAULT_ENCODING) <= 150
    assert len(text.splitlines()) > 2


def test_extractive_summary_folds_in_the_previous_summary():
    previous = f"{summaries.HEADER}\nuser: The budget is 40k euros."
    text = summaries.extractive_summary(previous, talk(2), Budget(300))
    assert "summary: user: The budget is 40k euros." in text


def test_extractive_summary_of_nothing_is_the_header():
    assert summaries.extractive_summary(None, [], Budget(100)) == summaries.HEADER
    empty = [{"role": "user", "text": ""}]
    assert summaries.extractive_summary(None, empty, Budget(100)) == summaries.HEADER


def test_no_nltk_data_is_needed(monkeypatch, tmp_path):
    monkeypatch.setenv("NLTK_DATA", str(tmp_path))
    text = summaries.extractive_summary(None, talk(5), Budget(100))
    assert text.startswith(summaries.HEADER)
