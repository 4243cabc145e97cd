"""The README is the front door: short, and its tables say what action.yml says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from inferencekey_ensure.specset.load import load_workloads

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def _table(heading: str) -> List[Tuple[str, ...]]:
    """The rows of the first table under ``heading``, first cells unquoted from their backticks."""
    section = README.split(f"\n{heading}\n", 1)[1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = tuple(cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1])
        rows.append(cells)
    return rows[2:]  # past the header and the separator


def _bare(cell: str) -> str:
    return cell.strip("`")


def test_the_readme_is_at_most_300_lines() -> None:
    assert len(README.splitlines()) <= 300


def test_the_inputs_table_names_every_input_of_action_yml_in_order_with_its_default() -> None:
    rows = _table("### Inputs")
    assert [_bare(row[0]) for row in rows] == list(ACTION["inputs"])
    defaults: Dict[str, str] = {_bare(row[0]): row[1] for row in rows}
    for name, spec in ACTION["inputs"].items():
        shown = defaults[name]
        expected = str(spec.get("default", ""))
        assert (shown == "(none)") if expected == "" else (_bare(shown) == expected), (name, shown, expected)


def test_the_outputs_table_names_every_output_of_action_yml_in_order() -> None:
    assert [_bare(row[0]) for row in _table("### Outputs")] == list(ACTION["outputs"])


def test_the_spec_example_of_the_readme_is_valid(tmp_path: Path) -> None:
    [example] = [block for block in re.findall(r"```yaml\n(.*?)```", README, re.S) if "workloads:" in block]
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    loaded = load_workloads([str(tmp_path / "example.yaml")])
    assert loaded.ok and not loaded.problems, [problem.message for problem in loaded.problems]
    assert [declared.spec.slug for declared in loaded.workloads] == ["support-chat", "docs-embeddings"]


def test_every_link_to_docs_points_at_a_page_that_exists() -> None:
    for target in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / target).is_file(), target
