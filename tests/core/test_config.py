"""Configuration from the environment: defaults, precedence, refusing unsafe setups."""

import pytest

from app.config import DEV_JWT_SECRET, Config, ConfigError


def test_embedded_defaults():
    config = Config.load(env={})
    assert config.embedded
    assert config.JWT_SECRET_KEY == DEV_JWT_SECRET
    assert config.seeds_demo_data


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
