"""Single sign-on settings: what an operator may write, and one-line refusals of the rest."""

from __future__ import annotations

import pytest

from trainer import ConfigError, create_app
from trainer.identity.settings import SignInSettings

BASE = {"BASE_URL": "https://trainer.example.com"}
OIDC = {"OIDC_DISCOVERY_URL": "https://idp.example.com/.well-known/openid-configuration",
        "OIDC_CLIENT_ID": "trainer", "OIDC_CLIENT_SECRET": "secret"}


def parse(**config):
    return SignInSettings.from_config({**BASE, **config})


def test_nothing_set_means_password_sign_in_only():
    settings = parse()
    assert settings.oidc is None and settings.saml is None
    assert not settings.matching.create_accounts and dict(settings.matching.group_roles) == {}


def test_lists_and_maps_as_json_or_plain_text():
    plain = parse(SSO_CREATE_ACCOUNTS="true", SSO_ALLOWED_DOMAINS="Example.com, @staff.example.com",
                  SSO_GROUP_ROLES="trainer-hr=hr, trainer-admins = admin")
    as_json = parse(SSO_CREATE_ACCOUNTS=True, SSO_ALLOWED_DOMAINS=["example.com", "staff.example.com"],
                    SSO_GROUP_ROLES='{"trainer-hr": "hr", "trainer-admins": "admin"}')
    assert plain.matching == as_json.matching
    assert plain.matching.allowed_domains == ("example.com", "staff.example.com")


def test_claim_mapping_extends_the_defaults_and_can_drop_one():
    settings = parse(**OIDC, OIDC_CLAIMS='{"job_role": "title", "groups": ""}')
    assert settings.oidc is not None
    assert dict(settings.oidc.claims) == {"email": "email", "email_verified": "email_verified",
                                          "name": "name", "job_role": "title"}


@pytest.mark.parametrize(("config", "message"), [
    ({"SSO_CREATE_ACCOUNTS": True}, "TRAINER_SSO_CREATE_ACCOUNTS needs TRAINER_SSO_ALLOWED_DOMAINS"),
    ({"SSO_CREATE_ACCOUNTS": "maybe"}, "TRAINER_SSO_CREATE_ACCOUNTS must be true or false"),
    ({"SSO_GROUP_ROLES": "staff=employee"}, "maps 'staff' to 'employee'; roles are hr or admin"),
    ({"SSO_GROUP_ROLES": "staff"}, "TRAINER_SSO_GROUP_ROLES must be a JSON object"),
    ({"SSO_CLOCK_SKEW_SECONDS": 3600}, "TRAINER_SSO_CLOCK_SKEW_SECONDS must be a number of seconds"),
    ({**OIDC, "OIDC_CLIENT_SECRET": None}, "TRAINER_OIDC_CLIENT_SECRET is needed"),
    ({**OIDC, "OIDC_DISCOVERY_URL": "idp.example.com"}, "TRAINER_OIDC_DISCOVERY_URL must be an https:// URL"),
    ({**OIDC, "ENV": "production", "OIDC_DISCOVERY_URL": "http://idp.example.com/x"},
     "must be an https:// URL"),
    ({**OIDC, "OIDC_CLAIMS": '{"salary": "pay"}'}, "TRAINER_OIDC_CLAIMS names 'salary'"),
])
def test_unusable_settings_are_refused_in_one_line(config, message):
    with pytest.raises(ConfigError) as refused:
        parse(**config)
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_the_app_refuses_to_start_with_them(tmp_path):
    with pytest.raises(ConfigError, match="TRAINER_SSO_CREATE_ACCOUNTS needs"):
        create_app({"TESTING": True, "SECRET_KEY": "s" * 40, "INSTANCE_PATH": str(tmp_path),
                    "SSO_CREATE_ACCOUNTS": True})


def test_the_cli_prints_one_line_not_a_traceback(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "trainer.cli", "--help"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "TRAINER_INSTANCE_PATH": str(tmp_path),
                                 "TRAINER_SSO_GROUP_ROLES": "x=superuser"}, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "configuration error: TRAINER_SSO_GROUP_ROLES maps 'x' to 'superuser'" in result.stderr


def test_workers_start_without_loading_pysaml2(tmp_path):
    """pysaml2 compiles XML schemas when imported (seconds per gunicorn worker): only a SAML
    request may load it."""
    import subprocess
    import sys

    script = ("import sys; from trainer import create_app; "
              f"create_app({{'SECRET_KEY': 's' * 40, 'INSTANCE_PATH': {str(tmp_path)!r}}}); "
              "print('saml2' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.stdout.strip() == "False"
