"""The project's emulator on loopback, with the tokens the tests sign in with."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from inferencekey_ensure.emulator import ANY_PROJECT, EmulatorConfig, EmulatorServer, TokenGrant

TOKEN = "ik_sdk_acme0001_engine0test0secret0value"
OTHER_TOKEN = "ik_sdk_beta0002_engine0test0secret0value"
READ_ONLY_TOKEN = "ik_sdk_read0003_engine0test0secret0value"
TOKEN_ANY = "ik_sdk_any00004_engine0test0secret0value"

GRANTS: Mapping[str, TokenGrant] = {
    TOKEN: TokenGrant("acme"),
    OTHER_TOKEN: TokenGrant("beta"),
    READ_ONLY_TOKEN: TokenGrant.read_only("acme"),
    TOKEN_ANY: TokenGrant(ANY_PROJECT),
}


def start_emulator(grants: Optional[Mapping[str, TokenGrant]] = None, **config: Any) -> EmulatorServer:
    """An emulator on an ephemeral port: ``grants`` (default ``GRANTS``) unless ``tokens=``
    is given, readiness in 10 ms steps unless ``readiness_step_s=`` is; the caller stops it."""
    config.setdefault("tokens", dict(GRANTS if grants is None else grants))
    config.setdefault("readiness_step_s", 0.01)
    return EmulatorServer(EmulatorConfig(**config)).start()
