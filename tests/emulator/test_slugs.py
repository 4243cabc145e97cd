"""The platform's slug rules: canonical form on create, ``-N`` on a taken slug."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.emulator import EmulatorServer
from support.emulator_http import OTHER_TOKEN, bearer, create_body, http_client, workloads_path


@pytest.mark.parametrize(
    "sent, stored",
    [
        ("Gemma 4 26B (llama.cpp / GGUF) on R9700", "gemma-4-26b-llama-cpp-gguf-on-r9700"),
        ("  Mixed_Case--Slug  ", "mixed-case-slug"),
        ("a__b..c", "a-b-c"),
        ("already-canonical", "already-canonical"),
    ],
)
def test_create_stores_the_canonical_slug(client: httpx.Client, sent: str, stored: str) -> None:
    assert client.post(workloads_path(), json=create_body(slug=sent)).json()["slug"] == stored
    assert canonical_slug(sent) == stored


def test_a_taken_slug_gets_minus_one_then_minus_two(client: httpx.Client) -> None:
    slugs = [client.post(workloads_path(), json=create_body(slug="Support Bot")).json()["slug"] for _ in range(3)]

    assert slugs == ["support-bot", "support-bot-1", "support-bot-2"]


def test_the_suffix_skips_a_slug_taken_on_purpose(client: httpx.Client) -> None:
    client.post(workloads_path(), json=create_body(slug="bot"))
    client.post(workloads_path(), json=create_body(slug="bot-1"))

    assert client.post(workloads_path(), json=create_body(slug="bot")).json()["slug"] == "bot-2"


def test_a_freed_slug_can_be_taken_again_without_suffix(client: httpx.Client) -> None:
    first = client.post(workloads_path(), json=create_body(slug="bot")).json()
    client.delete(f"/api/workloads/{first['id']}")

    assert client.post(workloads_path(), json=create_body(slug="bot")).json()["slug"] == "bot"


def test_slugs_are_unique_per_project_not_across_projects(client: httpx.Client) -> None:
    client.post(workloads_path(), json=create_body(slug="bot"))

    other = client.post(workloads_path("beta"), json=create_body(slug="bot"), headers=bearer(OTHER_TOKEN))

    assert other.json()["slug"] == "bot"


@pytest.mark.parametrize("slug", ["---", "  ", "!!!", "__..__"])
def test_a_slug_that_canonicalises_to_empty_is_refused(client: httpx.Client, slug: str) -> None:
    response = client.post(workloads_path(), json=create_body(slug=slug))

    assert response.status_code == 400
    assert "canonicalises to an empty string" in response.json()["error"]["message"]
    assert client.get(workloads_path()).json() == {"workloads": []}


def test_readiness_events_find_the_workload_by_its_non_canonical_slug(client: httpx.Client) -> None:
    client.post(workloads_path(), json=create_body(slug="support-bot"))

    response = client.get("/api/projects/acme/workloads/Support%20Bot/readiness-events")

    assert response.status_code == 200


def test_concurrent_creates_of_one_slug_each_get_a_distinct_suffix(emulator: EmulatorServer) -> None:
    def create(_: int) -> str:
        with http_client(emulator.url) as http:
            return http.post(workloads_path(), json=create_body(slug="bot")).json()["slug"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        slugs = list(pool.map(create, range(16)))

    assert sorted(slugs) == sorted(["bot"] + [f"bot-{n}" for n in range(1, 16)])
    assert len(emulator.workloads("acme")) == 16
