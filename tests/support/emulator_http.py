"""Plain HTTP clients of the emulator's API and the scoped tokens the emulator's own
tests (and ``ik-ensure emulator``'s) sign in with."""

from __future__ import annotations

import json
import ssl
from typing import Any, Dict, List, Optional

import httpx

from inferencekey_ensure.emulator import EmulatorConfig, TokenGrant

PROJECT = "acme"
OTHER_PROJECT = "beta"
TOKEN = "ik_sdk_acme1234_acmesecretvalue0001"
READ_TOKEN = "ik_sdk_read1234_readsecretvalue0001"
OTHER_TOKEN = "ik_sdk_beta1234_betasecretvalue0001"
LIVE_KEY = "ik_live_data1234_datasecretvalue0001"
TIMEOUT = httpx.Timeout(30.0)
# The emulator speaks plain HTTP; one shared TLS context spares every client the
# cost of loading the CA bundle it would never use.
_TLS = ssl.create_default_context()


def bearer(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def http_client(base_url: str, token: Optional[str] = TOKEN) -> httpx.Client:
    """A client of one emulator, sending ``token`` (none when None) on every request."""
    headers = bearer(token) if token is not None else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=TIMEOUT, verify=_TLS)


def scoped_config(**settings: Any) -> EmulatorConfig:
    """Three grants: read-write and read-only on acme, read-write on beta; ready at once."""
    settings.setdefault("readiness_step_s", 0)
    return EmulatorConfig(
        tokens={
            TOKEN: TokenGrant(PROJECT),
            READ_TOKEN: TokenGrant.read_only(PROJECT),
            OTHER_TOKEN: TokenGrant(OTHER_PROJECT),
        },
        **settings,
    )


def create_body(**overrides: Any) -> Dict[str, Any]:
    """A valid create body; an override of None removes that field."""
    body: Dict[str, Any] = {
        "name": "Support bot",
        "slug": "support-bot",
        "task_type": "text2text",
        "backend": "vllm",
        "model_name": "meta-llama/Llama-3.1-8B-Instruct",
    }
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not None}


def workloads_path(project: str = PROJECT) -> str:
    return f"/api/projects/{project}/workloads"


def events_path(slug: str, project: str = PROJECT) -> str:
    return f"/api/projects/{project}/workloads/{slug}/readiness-events"


def read_events(client: httpx.Client, slug: str, project: str = PROJECT) -> List[Dict[str, Any]]:
    """Every event of one readiness stream, until the server closes it."""
    with client.stream("GET", events_path(slug, project)) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        return [json.loads(line[len("data: "):]) for line in response.iter_lines() if line.startswith("data: ")]
