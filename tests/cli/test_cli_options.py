"""Client options: --set, --config, the environment, their precedence; help and usage errors."""

import pytest

from cli_helpers import assert_no_secret, request_json


def user_agent(emu):
    recs = [q for q in emu.requests() if q["operation"] != "oauth_token"]
    assert len(recs) == 1, recs
    return recs[0]["headers"]["user-agent"]


def zapi_env(emu, **extra):
    env = {"SENDEVENT_ZAPI_BASE_URL": emu.url,
           "SENDEVENT_ZAPI_INSTANCE_ID": emu.zapi_instance_id,
           "SENDEVENT_ZAPI_TOKEN": emu.zapi_token,
           "SENDEVENT_ZAPI_CLIENT_TOKEN": emu.zapi_client_token}
    env.update(extra)
    return env


# ---- sources -----------------------------------------------------------------------------

def test_everything_from_the_environment(run_cli, emu):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), env=zapi_env(emu))
    assert r.rc == 0, r


def test_sinch_from_the_environment(run_cli, emu):
    env = {"SENDEVENT_SINCH_BASE_URL": emu.url, "SENDEVENT_SINCH_AUTH_URL": emu.sinch_token_url,
           "SENDEVENT_SINCH_PROJECT_ID": "env-project", "SENDEVENT_SINCH_KEY_ID": emu.sinch_key_id,
           "SENDEVENT_SINCH_KEY_SECRET": emu.sinch_key_secret}
    r = run_cli("sinch", "send_event", request_json(emu, "sinch", "send_event"), env=env)
    assert r.rc == 0, r
    recs = [q for q in emu.requests() if q["operation"] == "send_event"]
    assert recs[0]["path"] == "/v1/projects/env-project/events:send"


def test_everything_from_a_config_file(run_cli, emu, tmp_path):
    cfg = tmp_path / "sendevent.conf"
    cfg.write_text("# the emulator\n\n"
                   "  base_url = %s  \n"
                   "instance_id=%s\n"
                   "token=\"%s\"\n"
                   "client_token='%s'\n"
                   "sinch.project_id=ignored-for-zapi\n"
                   "   # indented comment\n"
                   % (emu.url, emu.zapi_instance_id, emu.zapi_token, emu.zapi_client_token))
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config",
                str(cfg))
    assert r.rc == 0, r


def test_config_file_provider_scoped_keys(run_cli, emu, tmp_path):
    cfg = tmp_path / "all.conf"
    cfg.write_text("sinch.base_url=%s\nsinch.auth_url=%s\nsinch.project_id=cfg-project\n"
                   "sinch.key_id=%s\nsinch.key_secret=%s\nzapi.user_agent=not-for-sinch\n"
                   "connect.base_url=http://127.0.0.1:1\n"
                   % (emu.url, emu.sinch_token_url, emu.sinch_key_id, emu.sinch_key_secret))
    r = run_cli("sinch", "send_event", request_json(emu, "sinch", "send_event"),
                "--config=" + str(cfg))
    assert r.rc == 0, r
    assert user_agent(emu).startswith("sendevent/")


@pytest.mark.parametrize("sources,expected", [
    (("env",), "from-env"),
    (("env", "config"), "from-config"),
    (("env", "config", "flag"), "from-flag"),
    (("config", "flag"), "from-flag"),
    (("env", "flag"), "from-flag"),
    ((), "sendevent/"),
])
def test_precedence_flag_over_config_over_environment(run_cli, emu, tmp_path, sources,
                                                      expected):
    env = zapi_env(emu)
    args = []
    if "env" in sources:
        env["SENDEVENT_ZAPI_USER_AGENT"] = "from-env"
    if "config" in sources:
        cfg = tmp_path / "c.conf"
        cfg.write_text("user_agent=from-config\n")
        args += ["--config", str(cfg)]
    if "flag" in sources:
        args += ["--set", "user_agent=from-flag"]
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *args, env=env)
    assert r.rc == 0, r
    assert user_agent(emu).startswith(expected)


def test_credentials_precedence(run_cli, emu, tmp_path):
    """A wrong token in the environment and the file is overridden by the right one."""
    cfg = tmp_path / "c.conf"
    cfg.write_text("token=wrong-from-file\n")
    env = zapi_env(emu, SENDEVENT_ZAPI_TOKEN="wrong-from-env")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config",
                str(cfg), env=env)
    assert r.rc == 1 and r.json["http_status"] == 401, r
    emu.reset()
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config",
                str(cfg), "--set", "token=" + emu.zapi_token, env=env)
    assert r.rc == 0, r


def test_last_set_wins(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--set", "user_agent=first", "--set", "user_agent=second")
    assert r.rc == 0, r
    assert user_agent(emu) == "second"


def test_empty_value_resets_to_the_default(run_cli, emu):
    env = zapi_env(emu, SENDEVENT_ZAPI_USER_AGENT="from-env")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"),
                "--set", "user_agent=", env=env)
    assert r.rc == 0, r
    assert user_agent(emu).startswith("sendevent/")


def test_empty_environment_variable_is_unset(run_cli, emu):
    env = zapi_env(emu, SENDEVENT_ZAPI_USER_AGENT="")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), env=env)
    assert r.rc == 0, r
    assert user_agent(emu).startswith("sendevent/")


def test_other_providers_variables_are_ignored(run_cli, emu):
    env = zapi_env(emu, SENDEVENT_SINCH_NOT_AN_OPTION="x", SENDEVENT_CONNECT_REGION="eu-west-2")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), env=env)
    assert r.rc == 0, r


# ---- Connect: region from AWS_REGION, tokens from options ----------------------------------

def dry_run_host(r):
    assert r.rc == 0, r
    return r.json["headers"]["Host"]


def test_connect_region_from_aws_region(run_cli, emu):
    body = request_json(emu, "connect", "send_event")
    assert dry_run_host(run_cli("connect", "send_event", body, "--dry-run",
                                env={"AWS_REGION": "eu-west-2"})) == \
        "participant.connect.eu-west-2.amazonaws.com"
    # SENDEVENT_CONNECT_REGION overrides AWS_REGION, the flag overrides both
    assert dry_run_host(run_cli("connect", "send_event", body, "--dry-run",
                                env={"AWS_REGION": "eu-west-2",
                                     "SENDEVENT_CONNECT_REGION": "ap-southeast-2"})) == \
        "participant.connect.ap-southeast-2.amazonaws.com"
    assert dry_run_host(run_cli("connect", "send_event", body, "--dry-run",
                                "--set", "region=ca-central-1",
                                env={"AWS_REGION": "eu-west-2",
                                     "SENDEVENT_CONNECT_REGION": "ap-southeast-2"})) == \
        "participant.connect.ca-central-1.amazonaws.com"
    assert dry_run_host(run_cli("connect", "send_event", body, "--dry-run", "--set",
                                "fips=true", env={"AWS_REGION": "us-west-2"})) == \
        "participant.connect-fips.us-west-2.amazonaws.com"


def test_aws_region_is_not_used_by_other_providers(run_cli, emu):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"),
                env=zapi_env(emu, AWS_REGION="not-a-region"))
    assert r.rc == 0, r


def test_connect_connection_token_from_the_environment(run_cli, emu, secrets):
    body = '{"ContentType":"application/vnd.amazonaws.connect.event.typing"}'
    env = {"SENDEVENT_CONNECT_BASE_URL": emu.url,
           "SENDEVENT_CONNECT_CONNECTION_TOKEN": emu.connect_connection_token}
    r = run_cli("connect", "send_event", body, env=env)
    assert r.rc == 0, r
    rec = emu.requests()
    assert rec[0]["headers"]["x-amz-bearer"] == emu.connect_connection_token
    assert_no_secret(r.out + r.err, secrets)


def test_connect_token_in_the_request_wins(run_cli, emu):
    body = request_json(emu, "connect", "send_event")
    r = run_cli("connect", "send_event", body, "--set", "base_url=" + emu.url,
                "--set", "connection_token=wrong-token")
    assert r.rc == 0, r


def test_connect_participant_token_option(run_cli, emu, tmp_path):
    cfg = tmp_path / "connect.conf"
    cfg.write_text("connect.base_url=%s\nconnect.participant_token=%s\n"
                   % (emu.url, emu.connect_participant_token))
    r = run_cli("connect", "create_connection", '{"Type":["CONNECTION_CREDENTIALS"]}',
                "--config", str(cfg))
    assert r.rc == 0, r
    assert r.json["body"]["ConnectionCredentials"]["ConnectionToken"]


def test_connect_token_added_to_an_empty_object(run_cli, emu):
    r = run_cli("connect", "disconnect", "{}", "--set", "base_url=" + emu.url,
                "--set", "connection_token=" + emu.connect_connection_token)
    assert r.rc == 0, r


def test_token_options_are_connect_only(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--set", "connection_token=x")
    assert r.rc == 2 and "connection_token" in r.err


# ---- option errors: exit 2, the key and its source named, nothing sent, no value shown -----

def test_unknown_set_key(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--set", "regoin=eu")
    assert r.rc == 2, r
    assert "--set" in r.err and "regoin" in r.err and "unknown option" in r.err
    assert emu.requests(all=True) == []


def test_unknown_environment_key(run_cli, emu):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"),
                env=zapi_env(emu, SENDEVENT_ZAPI_TOKNE="oops-secret-value"))
    assert r.rc == 2, r
    assert "SENDEVENT_ZAPI_TOKNE" in r.err and "tokne" in r.err
    assert "oops-secret-value" not in r.err
    assert emu.requests(all=True) == []


def test_unknown_config_key_names_file_and_line(run_cli, emu, creds, tmp_path):
    cfg = tmp_path / "bad.conf"
    cfg.write_text("# ok\ntimeout=5\nkey_secret=hunter2-secret\n")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--config", str(cfg))
    assert r.rc == 2, r
    assert "bad.conf:3" in r.err and "key_secret" in r.err
    assert "hunter2-secret" not in r.err
    assert emu.requests(all=True) == []


@pytest.mark.parametrize("content,message", [
    ("just a line\n", "expected KEY=VALUE"),
    ("=value\n", "empty key"),
    ("mars.region=x\n", "unknown provider 'mars'"),
])
def test_malformed_config_lines(run_cli, emu, creds, tmp_path, content, message):
    cfg = tmp_path / "bad.conf"
    cfg.write_text("timeout=5\n" + content)
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--config", str(cfg))
    assert r.rc == 2, r
    assert "bad.conf:2" in r.err and message in r.err


def test_config_from_stdin(run_cli, emu):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config", "-",
                input="base_url=%s\ninstance_id=%s\ntoken=%s\nclient_token=%s\n"
                % (emu.url, emu.zapi_instance_id, emu.zapi_token, emu.zapi_client_token))
    assert r.rc == 0, r


def test_missing_config_file(run_cli, emu, creds, tmp_path):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--config", str(tmp_path / "absent.conf"))
    assert r.rc == 2 and "absent.conf" in r.err, r


def test_bad_option_value(run_cli, emu, creds):
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), *creds["zapi"],
                "--set", "timeout=soon")
    assert r.rc == 2 and "timeout" in r.err, r
    assert emu.requests(all=True) == []


@pytest.mark.parametrize("args", [
    ("key_secret=leaked-value-1",),                       # a --set without its --set
    ("--set", "leaked-value-1"),                          # a --set without its key
    ("--key_secret=leaked-value-1",),                     # not a flag
])
def test_misplaced_values_are_never_echoed(run_cli, emu, creds, args):
    r = run_cli("sinch", "send_event", request_json(emu, "sinch", "send_event"), *args)
    assert r.rc == 2, r
    assert "leaked-value-1" not in r.out + r.err


def test_request_is_not_echoed_with_batch(run_cli, emu):
    r = run_cli("connect", "send_event", '{"ConnectionToken":"leaked-token-2"}', "--batch", "-")
    assert r.rc == 2 and "not both" in r.err, r
    assert "leaked-token-2" not in r.err


def test_secret_option_values_are_never_echoed(run_cli, emu, creds):
    r = run_cli("sinch", "send_event", request_json(emu, "sinch", "send_event"),
                *creds["sinch"], "--set", "key_secret=sup3r-s3cret", "--set", "auth=kerberos")
    assert r.rc == 2, r
    assert "sup3r-s3cret" not in r.out + r.err


# ---- help, version, usage ------------------------------------------------------------------

def test_help_lists_providers_operations_and_flags(run_cli):
    r = run_cli("--help")
    assert r.rc == 0 and r.err == ""
    for word in ("sinch", "zapi", "connect", "send_event", "send_message", "edit_event",
                 "respond_event", "create_connection", "disconnect", "--set", "--config",
                 "--dry-run", "--validate", "--batch", "--concurrency", "--output",
                 "--no-progress", "--verbose", "SENDEVENT_SINCH_KEY_SECRET", "AWS_REGION",
                 "Exit status"):
        assert word in r.out, word
    assert run_cli("-h").out == r.out


@pytest.mark.parametrize("provider,operations,options", [
    ("sinch", ["send_event", "send_message"],
     ["project_id", "key_id", "key_secret", "region", "auth_url", "SENDEVENT_SINCH_KEY_SECRET"]),
    ("zapi", ["send_event", "edit_event", "respond_event"],
     ["instance_id", "token", "client_token", "SENDEVENT_ZAPI_TOKEN", "base_url"]),
    ("connect", ["send_event", "send_message", "create_connection", "disconnect"],
     ["region", "fips", "connection_token", "SENDEVENT_CONNECT_REGION", "AWS_REGION"]),
])
def test_provider_help(run_cli, provider, operations, options):
    r = run_cli(provider, "--help")
    assert r.rc == 0, r
    for word in operations + options + ["timeout", "max_attempts"]:
        assert word in r.out, word
    assert run_cli(provider, "send_event", "--help").out == r.out


def test_version(run_cli):
    r = run_cli("--version")
    assert r.rc == 0 and r.out.startswith("sendevent 0.") and "libsendevent" in r.out
    assert run_cli("-V").out == r.out


@pytest.mark.parametrize("args,message", [
    ((), "missing PROVIDER"),
    (("sms",), "unknown provider 'sms'"),
    (("sms", "--help"), "unknown provider 'sms'"),
    (("zapi",), "missing OPERATION"),
    (("zapi", "send_event"), "missing REQUEST"),
    (("zapi", "send_event", "{}", "extra"), "too many arguments"),
    (("zapi", "send_event", "{}", "--bogus"), "unknown option '--bogus'"),
    (("zapi", "send_event", "{}", "--bogus=value"), "unknown option '--bogus'"),
    (("zapi", "send_event", "{}", "--set"), "--set needs a value"),
    (("zapi", "send_event", "{}", "--set", "novalue"), "--set wants KEY=VALUE"),
    (("zapi", "send_event", "{}", "--set", "=x"), "--set wants KEY=VALUE"),
    (("zapi", "send_event", "{}", "--output", "xml"), "--output wants json or text"),
    (("zapi", "send_event", "--batch", "-", "--concurrency", "0"), "--concurrency"),
    (("zapi", "send_event", "--batch", "-", "--concurrency", "2000"), "--concurrency"),
    (("zapi", "send_event", "--batch", "-", "--concurrency", "x"), "--concurrency"),
    (("zapi", "send_event", "{}", "--batch", "-"), "not both"),
    (("zapi", "disconnect", "{}"), "unknown operation 'disconnect' for zapi"),
    (("zapi", "send_event", "-", "--config", "-"), "not both"),
])
def test_usage_errors_exit_2_and_send_nothing(run_cli, emu, creds, args, message):
    r = run_cli(*creds["zapi"], *args, input="")
    assert r.rc == 2, r
    assert message in r.err, r
    assert r.out == ""
    assert emu.requests(all=True) == []
