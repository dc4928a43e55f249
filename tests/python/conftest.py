"""Python-only fixtures: one sendevent.Client per provider, configured for the emulator. The
emulator fixtures (emulator, emu, emulator_factory) come from tests/conftest.py; helpers and
valid requests are in py_support.py."""

import pytest

from py_support import make_client


@pytest.fixture
def sinch(emu):
    with make_client(emu, "sinch") as c:
        yield c


@pytest.fixture
def zapi(emu):
    with make_client(emu, "zapi") as c:
        yield c


@pytest.fixture
def connect(emu):
    with make_client(emu, "connect") as c:
        yield c


@pytest.fixture
def client_for(emu):
    """client_for(provider, **extra_options) -> a Client closed after the test."""
    made = []

    def factory(provider, **extra):
        c = make_client(emu, provider, **extra)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()
