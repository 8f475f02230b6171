"""Compaction strategies, preview, context budgets, locks and automatic compaction."""

import threading

import pytest

from app.core import appending, compaction, conversations, messages, summaries
from app.core.compaction import CompactionRequest as Request
from app.core.errors import Conflict, Invalid, NotFound, NotOwned
from app.core.services import Services
from app.core.summaries import Summariser

New = messages.NewMessage
ENC = "o200k_base"


def build(db, scope, rows, model=None):
    """A conversation from ``(role, text[, options])`` rows; options: pinned, metadata."""
    conv = conversations.create(db, scope, model=model)
    stored = []
    for role, text, *rest in rows:
        options = rest[0] if rest else {}
        message = messages.append(
            db, scope, conv["_id"], New(role=role, text=text, metadata=options.get("metadata"))
        )
        if options.get("pinned"):
            message = messages.set_pinned(db, scope, conv["_id"], message["_id"], True)
        stored.append(message)
    return conv, stored


def chat(n, start=0):
    """``n`` alternating user/assistant turns with distinct sentences."""
    return [
        ("user" if i % 2 == 0 else "assistant", f"Turn {i} covers topic {i}. Detail {i} matters.")
        for i in range(start, start + n)
    ]


def run(db, scope, conv, preview=False, **request):
    return compaction.compact(db, scope, conv["_id"], Request(**request), Summariser(), preview)


def compacted_ids(db, conv):
    return {
        m["_id"] for m in db.messages.find({"conversation_id": conv["_id"]}) if m["compacted_by"]
    }


def test_sliding_window_keeps_the_last_n_and_marks_the_rest(db, alice):
    conv, stored = build(db, alice, chat(10))
    result = run(db, alice, conv, strategy="sliding_window", window_size=4)
    assert result["messages_compacted"] == 6
    assert compacted_ids(db, conv) == {m["_id"] for m in stored[:6]}
    assert db.messages.count_documents({"conversation_id": conv["_id"]}) == 10  # none deleted
    record = compaction.list_summaries(db, alice, conv["_id"])[0]
    assert record["text"] is None and record["strategy"] == "sliding_window"
    assert record["message_ids"] == [m["_id"] for m in stored[:6]]
    kept_cost = sum(m["token_count"] for m in stored[6:])
    assert result["tokens_after"] == kept_cost
    assert result["tokens_before"] == sum(m["token_count"] for m in stored)
    assert result["tokens_saved"] == result["tokens_before"] - kept_cost
    assert result["compression_ratio"] == round(result["tokens_saved"] / result["tokens_before"], 4)
    assert result["preview_only"] is False


def test_sliding_window_by_token_budget_never_exceeds_it(db, alice):
    conv, stored = build(db, alice, chat(10))
    each = stored[0]["token_count"]
    result = run(db, alice, conv, strategy="sliding_window", max_tokens=3 * each + 1)
    assert result["tokens_after"] <= 3 * each + 1
    assert compacted_ids(db, conv) == {m["_id"] for m in stored[:7]}


def test_budget_smaller_than_one_message_keeps_only_protected(db, alice):
    rows = [("system", "You are terse."), *chat(4)]
    conv, stored = build(db, alice, rows)
    result = run(db, alice, conv, strategy="sliding_window", max_tokens=1)
    assert compacted_ids(db, conv) == {m["_id"] for m in stored[1:]}
    assert result["tokens_after"] == stored[0]["token_count"]


def test_pinned_and_system_messages_are_always_kept(db, alice):
    rows = [("system", "Rules."), ("user", "Remember my id is 42.", {"pinned": True}), *chat(8)]
    conv, stored = build(db, alice, rows)
    for strategy in ("sliding_window", "summarization", "hybrid"):
        run(db, alice, conv, strategy=strategy, window_size=0, keep_last=0)
        assert not compacted_ids(db, conv) & {stored[0]["_id"], stored[1]["_id"]}
    assert compacted_ids(db, conv) == {m["_id"] for m in stored[2:]}


def tool_rows():
    call = {"metadata": {"tool_calls": [{"id": "call_1", "type": "function"}, "call_2"]}}
    return [
        ("user", "What is the weather in Paris and Rome?"),
        ("assistant", "Let me check.", call),
        ("tool", "Paris: 21C sunny.", {"metadata": {"tool_call_id": "call_1"}}),
        ("tool", "Rome: 25C cloudy.", {"metadata": {"tool_call_id": "call_2"}}),
        ("assistant", "Paris is 21C and sunny; Rome is 25C and cloudy."),
    ]


def test_a_tool_call_and_its_results_are_kept_together(db, alice):
    conv, stored = build(db, alice, tool_rows())
    # a window of 2 reaches into the tool unit: the call and both results stay with it
    run(db, alice, conv, strategy="sliding_window", window_size=2)
    assert compacted_ids(db, conv) == {stored[0]["_id"]}


def test_a_tool_unit_that_does_not_fit_a_budget_goes_whole(db, alice):
    conv, stored = build(db, alice, tool_rows())
    budget = stored[4]["token_count"] + stored[3]["token_count"]  # last answer + one result
    run(db, alice, conv, strategy="sliding_window", max_tokens=budget)
    assert compacted_ids(db, conv) == {m["_id"] for m in stored[:4]}


def test_pinning_a_tool_result_keeps_its_call(db, alice):
    rows = tool_rows()
    rows[2] = (*rows[2][:2], {**rows[2][2], "pinned": True})
    conv, stored = build(db, alice, rows)
    run(db, alice, conv, strategy="sliding_window", window_size=0)
    assert compacted_ids(db, conv) == {stored[0]["_id"], stored[4]["_id"]}


def test_summarization_stores_a_summary_and_keeps_the_last_messages(db, alice):
    conv, stored = build(db, alice, chat(12))
    result = run(db, alice, conv, strategy="summarization", keep_last=2)
    assert result["messages_compacted"] == 10
    assert result["summarizer"] == "extractive"
    summary = db.summaries.find_one({"_id": result["summary_id"]})
    assert summary["text"].startswith(summaries.HEADER)
    lines = summaries.transcript_lines(None, stored[:10])
    assert set(summary["text"].splitlines()[1:]) <= set(lines)  # extracted, not invented
    assert summary["provider"] == "extractive"
    assert summary["message_ids"] == [m["_id"] for m in stored[:10]]
    assert {
        m["compacted_by"] for m in db.messages.find({"_id": {"$in": summary["message_ids"]}})
    } == {summary["_id"]}
    kept_cost = sum(m["token_count"] for m in stored[10:])
    assert result["tokens_after"] == kept_cost + summary["token_count"]
    assert result["tokens_after"] < result["tokens_before"]


def test_a_second_summary_folds_in_the_first(db, alice):
    conv, _ = build(db, alice, chat(8))
    first = run(db, alice, conv, strategy="summarization", keep_last=2)
    for role, text in chat(6, start=8):
        messages.append(db, alice, conv["_id"], New(role=role, text=text))
    second = run(db, alice, conv, strategy="summarization", keep_last=2)
    record = db.summaries.find_one({"_id": second["summary_id"]})
    assert record["supersedes"] == first["summary_id"]
    assert record["number"] == 2
    assert second["tokens_before"] > 0
    listed = compaction.list_summaries(db, alice, conv["_id"])
    assert [s["number"] for s in listed] == [1, 2]


def test_hybrid_with_a_budget_fits_summary_and_window_into_it(db, alice):
    conv, _ = build(db, alice, chat(40))
    result = run(db, alice, conv, strategy="hybrid", max_tokens=200)
    assert result["summary_id"] is not None
    assert result["tokens_after"] <= 200
    context = compaction.context(db, alice, conv["_id"])
    assert context["messages"][0]["kind"] == "summary"
    assert context["token_count"] == result["tokens_after"]


def test_preview_equals_the_real_run_and_writes_nothing(db, alice):
    rows = [("system", "Be brief."), *chat(15), *tool_rows()]
    conv, _ = build(db, alice, rows)
    for strategy, params in (
        ("sliding_window", {"window_size": 5}),
        ("sliding_window", {"max_tokens": 120}),
        ("summarization", {"keep_last": 4}),
        ("hybrid", {"window_size": 3}),
        ("hybrid", {"max_tokens": 150}),
    ):
        before = list(db.messages.find({}, sort=[("seq", 1)]))
        preview = run(db, alice, conv, preview=True, strategy=strategy, **params)
        assert list(db.messages.find({}, sort=[("seq", 1)])) == before
        assert db.summaries.count_documents({}) == 0
        assert preview["preview_only"] is True
        real = run(db, alice, conv, strategy=strategy, **params)
        assert {**preview, "preview_only": False, "summary_id": real["summary_id"]} == real
        db.messages.update_many({}, {"$set": {"compacted_by": None}})  # undo for the next
        db.summaries.delete_many({})


def test_nothing_to_compact_reports_no_change(db, alice):
    conv, _ = build(db, alice, chat(3))
    result = run(db, alice, conv, strategy="summarization", keep_last=10)
    assert result["messages_compacted"] == 0
    assert result["tokens_saved"] == 0 and result["compression_ratio"] == 0
    assert result["summary_id"] is None
    assert db.summaries.count_documents({}) == 0


def test_empty_conversation(db, alice):
    conv = conversations.create(db, alice)
    result = run(db, alice, conv, strategy="hybrid")
    assert (result["tokens_before"], result["compression_ratio"]) == (0, 0.0)


def test_strategy_none_switches_automatic_compaction_off(db, alice):
    conv, _ = build(db, alice, chat(4))
    compaction.set_auto(db, alice, conv["_id"], {"strategy": "hybrid", "threshold_tokens": 10})
    result = run(db, alice, conv, strategy="none")
    assert result["messages_compacted"] == 0
    assert compaction.get_auto(db, alice, conv["_id"])["strategy"] == "none"


def test_only_the_thread_is_compacted(db, alice):
    conv, stored = build(db, alice, chat(4))
    side = messages.append(
        db, alice, conv["_id"], New(role="user", text="an edit", parent_message_id=stored[0]["_id"])
    )
    messages.append(
        db, alice, conv["_id"], New(role="assistant", text="ok", parent_message_id=stored[3]["_id"])
    )
    run(db, alice, conv, strategy="sliding_window", window_size=1)
    assert side["_id"] not in compacted_ids(db, conv)
    assert compacted_ids(db, conv) == {m["_id"] for m in stored}


def test_model_changes_the_encoding_used_for_figures(db, alice):
    conv, _ = build(db, alice, [("user", "こんにちは世界 " * 20)], model="gpt-4o")
    o200k = run(db, alice, conv, preview=True, strategy="none")
    cl100k = run(db, alice, conv, preview=True, strategy="none", model="gpt-4")
    assert cl100k["tokens_before"] > o200k["tokens_before"]


@pytest.mark.parametrize(
    "request_args",
    [
        {"strategy": "zip"},
        {"strategy": "hybrid", "window_size": -1},
        {"strategy": "hybrid", "max_tokens": "100"},
        {"strategy": "hybrid", "keep_last": True},
        {"strategy": "hybrid", "model": {"$gt": ""}},
    ],
)
def test_bad_requests_are_invalid(db, alice, request_args):
    conv, _ = build(db, alice, chat(2))
    with pytest.raises(Invalid):
        run(db, alice, conv, **request_args)


def test_other_users_and_unknown_ids(db, alice, bob):
    conv, _ = build(db, alice, chat(2))
    with pytest.raises(NotOwned):
        run(db, bob, conv, strategy="hybrid")
    with pytest.raises(NotFound):
        compaction.compact(db, alice, "missing", Request("hybrid"), Summariser())
    with pytest.raises(Invalid):
        compaction.context(db, alice, {"$gt": ""})
    with pytest.raises(NotOwned):
        compaction.list_summaries(db, bob, conv["_id"])


def test_a_second_compaction_while_one_runs_gets_conflict(db, alice):
    conv, _ = build(db, alice, chat(6))
    token = compaction.acquire_lock(db, conv)
    with pytest.raises(Conflict):
        run(db, alice, conv, strategy="sliding_window", window_size=1)
    assert compacted_ids(db, conv) == set()
    assert run(db, alice, conv, preview=True, strategy="hybrid")["preview_only"]  # no lock
    compaction.release_lock(db, conv, token)
    assert run(db, alice, conv, strategy="sliding_window", window_size=1)["messages_compacted"]


def test_an_expired_lock_does_not_block(db, alice, monkeypatch):
    conv, _ = build(db, alice, chat(4))
    monkeypatch.setattr(compaction.run, "LOCK_SECONDS", -1)
    compaction.acquire_lock(db, conv)  # a crashed run's lock, already expired
    assert run(db, alice, conv, strategy="sliding_window", window_size=1)["messages_compacted"] == 3


def test_the_lock_is_released_after_a_failure(db, alice, monkeypatch):
    conv, _ = build(db, alice, chat(4))

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(compaction.run, "_record", broken)
    with pytest.raises(RuntimeError):
        run(db, alice, conv, strategy="sliding_window", window_size=1)
    monkeypatch.undo()
    assert run(db, alice, conv, strategy="sliding_window", window_size=1)["messages_compacted"] == 3


# --- context -------------------------------------------------------------------------


def test_context_orders_system_summary_pinned_then_recent(db, alice):
    rows = [("system", "Rules."), ("user", "Pinned fact.", {"pinned": True}), *chat(10)]
    conv, stored = build(db, alice, rows)
    run(db, alice, conv, strategy="summarization", keep_last=3)
    context = compaction.context(db, alice, conv["_id"])
    kinds = [(m["kind"], m["role"]) for m in context["messages"]]
    assert kinds[0] == ("message", "system")
    assert kinds[1] == ("summary", "system")
    assert [m["id"] for m in context["messages"][2:]] == [
        stored[1]["_id"],
        *(m["_id"] for m in stored[-3:]),
    ]
    assert context["token_count"] == sum(m["token_count"] for m in context["messages"])
    assert context["encoding"] == ENC and context["exact"] is True


@pytest.mark.parametrize("budget", [0, 1, 5, 12, 30, 60, 100, 250, 1000])
def test_context_never_exceeds_max_tokens(db, alice, budget):
    rows = [("system", "Rules for the assistant."), ("user", "Pinned.", {"pinned": True})]
    conv, _ = build(db, alice, [*rows, *chat(20), *tool_rows()])
    run(db, alice, conv, strategy="summarization", keep_last=8)
    context = compaction.context(db, alice, conv["_id"], max_tokens=budget)
    assert context["token_count"] <= budget
    assert context["token_count"] == sum(m["token_count"] for m in context["messages"])
    seqs = [m["created_at"] for m in context["messages"] if m["kind"] == "message"]
    assert seqs == sorted(seqs)


def test_context_keeps_tool_units_whole(db, alice):
    conv, stored = build(db, alice, tool_rows())
    budget = stored[4]["token_count"] + stored[3]["token_count"] + stored[2]["token_count"]
    context = compaction.context(db, alice, conv["_id"], max_tokens=budget)
    assert [m["id"] for m in context["messages"]] == [stored[4]["_id"]]
    assert context["omitted"] == 4
    full = compaction.context(db, alice, conv["_id"])
    assert full["messages"][2]["tool_call_id"] == "call_1"
    assert full["messages"][1]["tool_calls"][1] == "call_2"


def test_context_for_an_unknown_model_is_flagged_as_estimate(db, alice):
    conv, _ = build(db, alice, chat(2))
    context = compaction.context(db, alice, conv["_id"], model="claude-3-opus")
    assert context["exact"] is False
    assert context["encoding"] == ENC


# --- automatic compaction ------------------------------------------------------------


def test_append_past_the_threshold_compacts_automatically(db, alice, services):
    conv, stored = build(db, alice, chat(4))
    compaction.set_auto(
        db,
        alice,
        conv["_id"],
        {"strategy": "sliding_window", "threshold_tokens": 100, "window_size": 2},
    )
    total = sum(m["token_count"] for m in stored)
    while total <= 100:
        new = New(role="user", text="More words here.")
        total += appending.append(db, alice, conv["_id"], new, services)["token_count"]
    assert compacted_ids(db, conv)
    live = compaction.context(db, alice, conv["_id"])
    assert len(live["messages"]) == 2


def test_below_the_threshold_nothing_happens(db, alice, services):
    conv, _ = build(db, alice, chat(2))
    compaction.set_auto(db, alice, conv["_id"], {"strategy": "hybrid", "threshold_tokens": 10_000})
    appending.append(db, alice, conv["_id"], New(role="user", text="one more"), services)
    assert compacted_ids(db, conv) == set()


def test_auto_compaction_skips_quietly_while_locked(db, alice, services):
    conv, _ = build(db, alice, chat(4))
    compaction.set_auto(
        db, alice, conv["_id"], {"strategy": "sliding_window", "threshold_tokens": 1}
    )
    compaction.acquire_lock(db, conv)
    appending.append(db, alice, conv["_id"], New(role="user", text="appends still work"), services)
    assert compacted_ids(db, conv) == set()


def test_auto_compaction_runs_in_the_background_by_default(db, alice):
    jobs = []
    later = Services(run_in_background=lambda job, name: jobs.append(job))
    conv, _ = build(db, alice, chat(2))
    setting = {"strategy": "hybrid", "threshold_tokens": 1, "window_size": 1}
    compaction.set_auto(db, alice, conv["_id"], setting)
    appending.append(db, alice, conv["_id"], New(role="user", text="x"), later)
    assert len(jobs) == 1 and compacted_ids(db, conv) == set()  # the append did not wait
    jobs[0]()
    assert compacted_ids(db, conv)


@pytest.mark.parametrize(
    "setting",
    [
        {"strategy": "hybrid"},
        {"strategy": "hybrid", "threshold_tokens": 0},
        {"strategy": "hybrid", "threshold_tokens": "5"},
        {"strategy": "sideways", "threshold_tokens": 5},
        {"strategy": "hybrid", "threshold_tokens": 5, "color": "red"},
    ],
)
def test_bad_auto_settings_are_invalid(db, alice, setting):
    conv, _ = build(db, alice, chat(1))
    with pytest.raises(Invalid):
        compaction.set_auto(db, alice, conv["_id"], setting)
    assert compaction.get_auto(db, alice, conv["_id"])["strategy"] == "none"


class BlockingSummariser(Summariser):
    """Holds the first summarise call until released, to overlap two compactions."""

    def __init__(self):
        super().__init__()
        self.entered, self.release = threading.Event(), threading.Event()

    def summarise(self, previous, messages, budget):
        self.entered.set()
        self.release.wait(timeout=10)
        return super().summarise(previous, messages, budget)


def test_two_compactions_at_once_the_second_gets_conflict(db, alice):
    conv, _ = build(db, alice, chat(12))
    slow = BlockingSummariser()
    outcome = {}

    def first():
        outcome["first"] = compaction.compact(db, alice, conv["_id"], Request("hybrid", 2), slow)

    worker = threading.Thread(target=first)
    worker.start()
    assert slow.entered.wait(timeout=10)  # the first run holds the lock now
    with pytest.raises(Conflict):
        compaction.compact(db, alice, conv["_id"], Request("summarization"), Summariser())
    slow.release.set()
    worker.join(timeout=10)
    assert outcome["first"]["messages_compacted"] == 10
    assert db.summaries.count_documents({}) == 1
    assert db.conversations.find_one({"_id": conv["_id"]})["compaction_lock"] is None


@pytest.mark.parametrize(
    "stored",
    [
        "hybrid",
        {"strategy": "hybrid", "threshold_tokens": "lots"},
        {"strategy": "unknown", "threshold_tokens": 5},
        {"strategy": "hybrid", "threshold_tokens": 5, "extra": {"$set": 1}},
    ],
)
def test_appends_survive_any_stored_setting(db, alice, services, stored):
    conv, _ = build(db, alice, chat(2))
    db.conversations.update_one({"_id": conv["_id"]}, {"$set": {"settings.compaction": stored}})
    appended = appending.append(
        db, alice, conv["_id"], New(role="user", text="still fine"), services
    )
    assert appended["token_count"] > 0
    setting = compaction.get_auto(db, alice, conv["_id"])
    if isinstance(stored, dict) and "extra" in stored:
        assert setting["strategy"] == "hybrid"  # unknown keys are ignored
    else:
        assert setting["strategy"] == "none"
