"""Fixtures for the `sendevent` command tests.

The binary comes from $SE_CLI, else build/cli/sendevent under the repository root; tests are
skipped with a message when it is not built. The emulator fixtures (`emulator`, `emu`) come from
tests/conftest.py.

    run_cli(*args, input=None, env=None)  runs the command with an environment cleaned of
                                          SENDEVENT_* and AWS_* variables (plus `env`), returns
                                          a Result: .rc .out .err .lines (parsed JSON lines)
    creds                                 per provider, the --set flags that point a client at
                                          the emulator with its credentials
    secrets                               every secret the emulator accepts, to assert that
                                          none is ever printed
"""

import base64
import os
import subprocess

import pytest

from cli_helpers import Result, clean_env, cli_binary, emulator_creds


@pytest.fixture(scope="session")
def cli_path():
    path = cli_binary()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.skip("the sendevent command is not built (looked for %s; build the "
                    "'sendevent_cli' target or set SE_CLI)" % path)
    return str(path)


@pytest.fixture
def run_cli(cli_path):
    def run(*args, input=None, env=None, timeout=60, cwd=None):
        proc = subprocess.run([cli_path, *map(str, args)], input=input, capture_output=True,
                              text=True, env=clean_env(env), timeout=timeout, cwd=cwd)
        return Result(proc)
    return run


@pytest.fixture
def creds(emu):
    return emulator_creds(emu)


@pytest.fixture
def secrets(emu):
    basic = base64.b64encode(("%s:%s" % (emu.sinch_key_id, emu.sinch_key_secret)).encode())
    return [emu.sinch_key_secret, basic.decode(), emu.zapi_instance_id, emu.zapi_token,
            emu.zapi_client_token, emu.connect_connection_token, emu.connect_participant_token]

