"""gen_title waits only when a title can still appear, and only a bounded number at once."""

import pytest

from app.api.librechat.title_waits import wait_schedule


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TITLE_WAIT_SCHEDULE": "1,2", "TITLE_WAITERS_MAX": 2}


def test_without_an_llm_titles_come_with_the_exchange_so_nobody_waits(app):
    with app.app_context(), wait_schedule() as schedule:
        assert schedule == ()


def test_with_an_llm_a_bounded_number_of_callers_wait(app):
    app.config["LLM_BASE_URL"] = "http://127.0.0.1:9/v1"  # after start: no LLM client built
    with app.app_context():
        with wait_schedule() as first, wait_schedule() as second, wait_schedule() as third:
            assert (first, second, third) == ((1, 2), (1, 2), ())
        with wait_schedule() as after_release:
            assert after_release == (1, 2)


def test_no_waiting_slots_at_all(app_config):
    from app import create_app

    app = create_app({**app_config, "TITLE_WAITERS_MAX": 0})
    app.config["LLM_BASE_URL"] = "http://127.0.0.1:9/v1"  # after start: no LLM client built
    with app.app_context(), wait_schedule() as schedule:
        assert schedule == ()
