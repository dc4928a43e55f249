"""Option sources (issue 16, item 5): AWS_DEFAULT_REGION for Connect, a warning for a config file
others can read, unknown keys under any provider's prefix, and the help's examples run as printed
against the emulator's defaults."""

import os
import re
import shlex
import urllib.parse

import pytest

from cli_helpers import assert_no_secret, request_json


def connect_url(run_cli, *args, env=None):
    """The URL a Connect dry run would use."""
    r = run_cli("connect", "send_event", '{"ContentType":"text/plain"}', "--dry-run",
                "--set", "connection_token=t", *args, env=env)
    assert r.rc == 0, r
    return r.out


def test_aws_default_region_is_read_for_connect(run_cli):
    assert "eu-west-3" in connect_url(run_cli, env={"AWS_DEFAULT_REGION": "eu-west-3"})


def test_aws_region_comes_before_aws_default_region(run_cli):
    out = connect_url(run_cli, env={"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "eu-west-3"})
    assert "ap-south-1" in out and "eu-west-3" not in out


def test_sendevent_connect_region_over_aws_default_region(run_cli):
    out = connect_url(run_cli, env={"AWS_DEFAULT_REGION": "eu-west-3",
                                    "SENDEVENT_CONNECT_REGION": "us-west-2"})
    assert "us-west-2" in out and "eu-west-3" not in out


def zapi_config(emu, tmp_path, mode, extra=""):
    cfg = tmp_path / "zapi.conf"
    cfg.write_text("base_url=%s\ninstance_id=%s\ntoken=%s\nclient_token=%s\n%s"
                   % (emu.url, emu.zapi_instance_id, emu.zapi_token, emu.zapi_client_token, extra))
    os.chmod(cfg, mode)
    return cfg


@pytest.mark.parametrize("mode,who", [(0o644, "others"), (0o640, "its group")])
def test_config_readable_by_others_warns(run_cli, emu, tmp_path, secrets, mode, who):
    cfg = zapi_config(emu, tmp_path, mode)
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config", cfg)
    assert r.rc == 0, r
    assert "warning: %s is readable by %s" % (cfg, who) in r.err
    assert_no_secret(r.err + r.out, secrets)


def test_private_config_gives_no_warning(run_cli, emu, tmp_path):
    cfg = zapi_config(emu, tmp_path, 0o600)
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config", cfg)
    assert r.rc == 0 and r.err == "", r


@pytest.mark.parametrize("line", ["sinch.bogus=1", "connect.bogus_key=x", "zapi.nope=1"])
def test_unknown_key_under_any_provider_prefix_is_an_error(run_cli, emu, tmp_path, line):
    cfg = zapi_config(emu, tmp_path, 0o600, "# comment\n%s\n" % line)
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config", cfg)
    assert r.rc == 2, r
    key = line.split("=")[0].split(".")[1]
    assert "%s:6" % cfg in r.err and key in r.err and "unknown option" in r.err, r.err
    assert emu.requests() == []


def test_known_keys_of_other_providers_are_accepted(run_cli, emu, tmp_path):
    cfg = zapi_config(emu, tmp_path, 0o600, "sinch.key_secret=s\nconnect.connection_token=t\n"
                      "connect.endpoint_url=http://127.0.0.1:1\nsinch.region=eu\n")
    r = run_cli("zapi", "send_event", request_json(emu, "zapi", "send_event"), "--config", cfg)
    assert r.rc == 0 and r.err == "", r


def printed_example(text):
    """The first command after a line ending in ':' that starts with 'sendevent', its ' \\'
    continuations joined."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("sendevent ") and "PORT" in "".join(lines[i:i + 4]):
            cmd = line.strip()
            while cmd.endswith("\\"):
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            return cmd
    raise AssertionError("no emulator example in:\n" + text)


def run_printed(run_cli, emu, cmd):
    port = str(urllib.parse.urlsplit(emu.url).port)
    argv = shlex.split(cmd.replace("PORT", port))
    assert argv[0] == "sendevent"
    return run_cli(*argv[1:])


def test_help_example_runs_as_printed(run_cli, emu):
    cmd = printed_example(run_cli("--help").out)
    r = run_printed(run_cli, emu, cmd)
    assert r.rc == 0, (cmd, r)
    assert len(emu.requests()) == 1


@pytest.mark.parametrize("provider", ["sinch", "zapi", "connect"])
def test_provider_help_example_runs_as_printed(run_cli, emu, provider):
    out = run_cli(provider, "--help").out
    cmd = printed_example(out.split("emulator", 1)[1])
    assert cmd.startswith("sendevent %s " % provider)
    r = run_printed(run_cli, emu, cmd)
    assert r.rc == 0, (cmd, r)
    assert [q["provider"] for q in emu.requests() if q["operation"] != "oauth_token"] == [provider]
