import importlib
import os
import sys
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_passwords_are_hashed_with_argon2_by_default():
    from tongban.config import settings as project_settings

    assert (
        project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def _load_settings(**env):
    """Re-import the settings module (and the OIDC part it imports) under ``env``."""
    from tongban.config import settings as project_settings

    try:
        with mock.patch.dict(os.environ, env):
            sys.modules.pop("tongban.config.oidc", None)
            loaded = importlib.reload(project_settings)
            return SimpleNamespace(**{k: getattr(loaded, k) for k in dir(loaded) if k.isupper()})
    finally:
        sys.modules.pop("tongban.config.oidc", None)
        importlib.reload(project_settings)


def test_production_refuses_demo_secrets_and_debug():
    with pytest.raises(ImproperlyConfigured) as excinfo:
        _load_settings(TONGBAN_ENV="production")
    message = str(excinfo.value)
    for problem in (
        "TONGBAN_SECRET_KEY",
        "TONGBAN_MASTER_KEY",
        "TONGBAN_OIDC_RSA_PRIVATE_KEY",
        "TONGBAN_OIDC_PAIRWISE_SALT",
    ):
        assert problem in message


def test_production_refuses_debug_and_simulators_even_with_real_secrets():
    real = {
        "TONGBAN_ENV": "production",
        "TONGBAN_SECRET_KEY": "x" * 50,
        "TONGBAN_MASTER_KEY": "k2026:" + "ab" * 16,
        "TONGBAN_OIDC_RSA_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----",
        "TONGBAN_OIDC_PAIRWISE_SALT": "salt",
        "TONGBAN_DEBUG": "true",
        "TONGBAN_SIMULATORS": "true",
    }
    with pytest.raises(ImproperlyConfigured) as excinfo:
        _load_settings(**real)
    assert "TONGBAN_DEBUG" in str(excinfo.value) and "TONGBAN_SIMULATORS" in str(excinfo.value)


def test_production_starts_with_real_settings():
    real = {
        "TONGBAN_ENV": "production",
        "TONGBAN_SECRET_KEY": "x" * 50,
        "TONGBAN_MASTER_KEY": "k2026:" + "ab" * 16,
        "TONGBAN_OIDC_RSA_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----",
        "TONGBAN_OIDC_PAIRWISE_SALT": "salt",
    }
    loaded = _load_settings(**real)
    assert loaded.PRODUCTION and not loaded.DEBUG and not loaded.SIMULATORS_ENABLED
    assert loaded.SMS_BACKEND == "" and loaded.SESSION_COOKIE_SECURE
    assert loaded.TONGBAN_STAFF_REQUIRE_OTP is True
    assert loaded.TONGBAN_TRUSTED_PROXIES == []


def test_staff_otp_is_off_in_development_and_can_be_switched():
    assert _load_settings(TONGBAN_ENV="development").TONGBAN_STAFF_REQUIRE_OTP is False
    on = _load_settings(TONGBAN_ENV="development", TONGBAN_STAFF_REQUIRE_OTP="true")
    assert on.TONGBAN_STAFF_REQUIRE_OTP is True
