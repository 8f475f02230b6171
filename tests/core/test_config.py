"""Configuration from the environment: defaults, precedence, refusing unsafe setups."""

import re
from dataclasses import fields
from pathlib import Path

import pytest

from app import create_app
from app.config import PARSERS, SECRET_MIN_BYTES, Config, ConfigError
from app.core import idempotency, importers, titles
from app.core.llm import LlmSettings


def test_embedded_defaults():
    config = Config.load(env={})
    assert config.embedded
    assert config.JWT_SECRET_KEY is None  # made at start and kept with the data, never a constant
    assert config.seeds_demo_data


@pytest.mark.parametrize("name", ["JWT_SECRET_KEY", "JWT_SECRET"])
def test_a_short_secret_stops_the_start_naming_the_variable(name):
    short = "s" * (SECRET_MIN_BYTES - 1)
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY") as info:
        Config.load(env={"MONGO_URI": "mongodb://db", name: short})
    assert short not in str(info.value)
    assert Config.load(env={name: "s" * SECRET_MIN_BYTES}).JWT_SECRET_KEY == "s" * SECRET_MIN_BYTES
    assert Config.load({"TESTING": True}, env={name: "short"}).JWT_SECRET_KEY == "short"


def test_secrets_count_bytes_not_characters():
    assert Config.load(env={"JWT_SECRET_KEY": "é" * 16}).JWT_SECRET_KEY == "é" * 16
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        Config.load(env={"JWT_SECRET_KEY": "é" * 15 + "x"})


def test_a_jwks_url_stands_for_a_secret_and_implies_rs256():
    config = Config.load(env={"MONGO_URI": "mongodb://db", "JWT_JWKS_URL": "https://idp/jwks"})
    assert config.JWT_ALGORITHM == "RS256"
    assert config.verifies_with_public_keys
    with pytest.raises(ConfigError, match="JWT_JWKS_URL='idp/jwks'"):
        Config.load(env={"JWT_JWKS_URL": "idp/jwks"})
    with pytest.raises(ConfigError, match="not both"):
        Config.load(env={"JWT_JWKS_URL": "https://idp/jwks", "JWT_PUBLIC_KEY": "pem"})


def test_audience_and_issuer_are_checked_and_minted():
    config = Config.load(env={"JWT_AUDIENCE": "colloquy", "JWT_ISSUER": "https://idp/"})
    settings = config.flask_settings()
    assert settings["JWT_DECODE_AUDIENCE"] == settings["JWT_ENCODE_AUDIENCE"] == "colloquy"
    assert settings["JWT_DECODE_ISSUER"] == settings["JWT_ENCODE_ISSUER"] == "https://idp/"
    assert Config.load(env={}).flask_settings()["JWT_DECODE_AUDIENCE"] is None


def test_cors_origins_are_a_checked_list():
    config = Config.load(env={"CORS_ORIGINS": "https://chat.example.com, http://localhost:3000/"})
    assert config.CORS_ORIGINS == ("https://chat.example.com", "http://localhost:3000")
    assert Config.load(env={}).CORS_ORIGINS == ()
    assert Config.load(env={"CORS_ORIGINS": "*"}).CORS_ORIGINS == ("*",)
    with pytest.raises(ConfigError, match=r"CORS_ORIGINS='chat\.example\.com'"):
        Config.load(env={"CORS_ORIGINS": "chat.example.com"})


def test_real_store_needs_a_secret():
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        Config.load(env={"MONGO_URI": "mongodb://user:pw@db:27017"})


def test_secret_is_not_echoed():
    with pytest.raises(ConfigError) as info:
        Config.load(env={"MONGO_URI": "mongodb://user:pw@db:27017"})
    assert "pw" not in str(info.value)


def test_set_variables_win():
    config = Config.load(
        env={
            "MONGO_URI": "mongodb://db",
            "JWT_SECRET_KEY": "s" * 40,
            "SEED_DEMO_DATA": "true",
            "LLM_MAX_RETRIES": "5",
            "LLM_TIMEOUT_SECONDS": "1.5",
            "MONGO_DB": "other",
        }
    )
    assert config.seeds_demo_data is True
    assert (config.LLM_MAX_RETRIES, config.LLM_TIMEOUT_SECONDS) == (5, 1.5)
    assert config.MONGO_DB == "other"
    assert not Config.load(env={"SEED_DEMO_DATA": "false"}).seeds_demo_data


def test_overrides_beat_environment():
    config = Config.load({"MONGO_DB": "x"}, env={"MONGO_DB": "y"})
    assert config.MONGO_DB == "x"


def test_public_key_switches_to_rs256():
    config = Config.load(env={"MONGO_URI": "mongodb://db", "JWT_PUBLIC_KEY": "pem"})
    assert config.JWT_ALGORITHM == "RS256"
    assert config.flask_settings()["JWT_DECODE_ALGORITHMS"] == ["RS256"]
    assert "JWT_SECRET_KEY" not in config.flask_settings()


def test_librechat_secret_name_is_an_alias():
    config = Config.load(env={"MONGO_URI": "mongodb://db", "JWT_SECRET": "l" * 40})
    assert config.JWT_SECRET_KEY == "l" * 40
    both = Config.load(env={"JWT_SECRET": "l" * 40, "JWT_SECRET_KEY": "k" * 40})
    assert both.JWT_SECRET_KEY == "k" * 40  # the canonical name wins
    assert Config.load(env={}).JWT_IDENTITY_CLAIM == "sub"
    assert Config.load(env={"JWT_IDENTITY_CLAIM": "id"}).JWT_IDENTITY_CLAIM == "id"


# --- every value parsed and checked once, at start --------------------------------------


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("IMPORT_IP_MAX", "abc"),
        ("IMPORT_USER_WINDOW", "0"),
        ("FORK_USER_MAX", "-1"),
        ("LOG_LEVEL", "verbose"),
        ("TITLE_WAIT_SCHEDULE", "1,soon"),
        ("TITLE_WAIT_SCHEDULE", "1,-2"),
        ("RATELIMIT_ENABLED", "maybe"),
        ("SEED_DEMO_DATA", "sometimes"),
        ("SEARCH_BACKEND", "fulltext"),
        ("LLM_TIMEOUT_SECONDS", "-1"),
        ("LLM_MAX_RETRIES", "2.5"),
        ("IDEMPOTENCY_WAIT_SECONDS", "soon"),
        ("JWT_ALGORITHM", "none"),
        ("MAX_CONTENT_LENGTH", "0"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(name, bad):
    with pytest.raises(ConfigError, match=f"{name}='{re.escape(bad)}'"):
        Config.load(env={name: bad})


def test_every_bad_value_is_named_at_once():
    with pytest.raises(ConfigError) as info:
        Config.load(env={"IMPORT_IP_MAX": "abc", "LOG_LEVEL": "verbose", "FORK_IP_WINDOW": "-1"})
    message = str(info.value)
    assert all(name in message for name in ("IMPORT_IP_MAX", "LOG_LEVEL", "FORK_IP_WINDOW"))


def test_values_are_parsed_into_their_types():
    config = Config.load(
        env={
            "TITLE_WAIT_SCHEDULE": "0.25, 1,3",
            "LOG_LEVEL": "debug",
            "RATELIMIT_ENABLED": "Off",
            "IMPORT_IP_MAX": " 3 ",
            "IDEMPOTENCY_WAIT_SECONDS": "0.5",
        }
    )
    assert config.TITLE_WAIT_SCHEDULE == (0.25, 1.0, 3.0)
    assert (config.LOG_LEVEL, config.RATELIMIT_ENABLED) == ("DEBUG", False)
    assert (config.IMPORT_IP_MAX, config.IDEMPOTENCY_WAIT_SECONDS) == (3, 0.5)


def test_every_setting_can_be_read_from_text():
    for spec in fields(Config):
        rule = spec.metadata.get("rule")
        assert (rule and rule.parse) or str(spec.type) in PARSERS, spec.name


def test_an_empty_variable_counts_as_unset():
    assert Config.load(env={"IMPORT_IP_MAX": "", "LOG_LEVEL": ""}) == Config.load(env={})


def test_overrides_are_checked_like_the_environment():
    assert Config.load({"TITLE_WAIT_SCHEDULE": "0,0"}, env={}).TITLE_WAIT_SCHEDULE == (0, 0)
    assert Config.load({"IMPORT_IP_MAX": 3}, env={}).IMPORT_IP_MAX == 3
    with pytest.raises(ConfigError, match="IMPORT_IP_MAX=-3"):
        Config.load({"IMPORT_IP_MAX": -3}, env={})
    with pytest.raises(ConfigError, match="SEARCH_BACKEND"):
        Config.load({"SEARCH_BACKEND": "fulltext"}, env={})


def test_an_app_with_a_bad_setting_is_never_built():
    with pytest.raises(ConfigError, match="TITLE_WAIT_SCHEDULE"):
        create_app({"TESTING": True, "TITLE_WAIT_SCHEDULE": "soon"})


def test_defaults_are_the_cores_own():
    config = Config.load(env={})
    assert config.TITLE_WAIT_SCHEDULE == titles.WAIT_SCHEDULE
    assert config.IDEMPOTENCY_WAIT_SECONDS == idempotency.WAIT_SECONDS
    assert config.CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES == importers.DEFAULT_MAX_BYTES
    defaults = LlmSettings(base_url="http://llm")
    assert defaults.model == config.LLM_MODEL
    assert defaults.timeout_seconds == config.LLM_TIMEOUT_SECONDS
    assert defaults.max_retries == config.LLM_MAX_RETRIES


# --- .env.example ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_LINE = re.compile(r"^#([A-Z][A-Z0-9_]*)=(.*)$", re.MULTILINE)


def documented() -> dict[str, str]:
    return dict(EXAMPLE_LINE.findall((ROOT / ".env.example").read_text()))


def test_env_example_lists_every_setting_with_its_default():
    example = documented()
    assert set(Config.names()) <= set(example)
    for name in Config.names():
        assert getattr(Config.load(env={name: example[name]}), name) == getattr(
            Config.load(env={}), name
        ), name


@pytest.mark.parametrize("server_file", ["gunicorn.conf.py", "buffering_worker.py"])
def test_env_example_lists_the_server_settings(server_file):
    source = (ROOT / server_file).read_text()
    server = re.findall(r"""environ(?:\.get\(\s*|\[)["']([A-Z_]+)["']""", source)
    assert server and set(server) <= set(documented())
