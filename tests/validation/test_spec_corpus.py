"""Every spec the official docs and the SDK's examples declare, transcribed into spec files.

``tests/spec_corpus/accepted``: what the Manager takes; ``validate`` finds no error
in it and the emulator creates it. ``tests/spec_corpus/refused``: what the Manager
refuses; ``validate`` reports an error at the node the file's ``# refused-at:``
line names, and, when ``# refused-by: manager`` (not ``sdk``, which refuses before
any request), the emulator refuses the same body. Warnings are allowed (an
official example may set a field the SDK never sends).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from inferencekey_ensure.domain.slug import canonical_slug
from inferencekey_ensure.domain.spec import WorkloadSpec
from inferencekey_ensure.domain.wire import create_body
from inferencekey_ensure.emulator.validation import BodyError, validated_create
from inferencekey_ensure.specset.load import load_workloads
from inferencekey_ensure.specset.validate import validate_paths

CORPUS = Path(__file__).resolve().parents[1] / "spec_corpus"
ACCEPTED = sorted((CORPUS / "accepted").glob("*.yaml"))
REFUSED = sorted((CORPUS / "refused").glob("*.yaml"))


def _header(path: Path, name: str) -> str:
    marker = f"# {name}: "
    return next(line[len(marker):] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(marker))


def test_the_corpus_covers_the_docs_and_every_runnable_example():
    assert len(ACCEPTED) >= 37 and len(REFUSED) >= 2


@pytest.mark.parametrize("path", ACCEPTED, ids=[path.stem for path in ACCEPTED])
def test_an_accepted_spec_validates_and_the_emulator_creates_it(path):
    loaded = load_workloads([str(path)])
    assert [problem for problem in loaded.problems if problem.is_error] == []
    (declared,) = loaded.workloads
    stored = validated_create(create_body(declared.spec))
    assert stored["slug"] == canonical_slug(declared.spec.slug)


@pytest.mark.parametrize("path", REFUSED, ids=[path.stem for path in REFUSED])
def test_a_refused_spec_is_a_located_error_and_a_400_of_the_emulator(path):
    errors = [problem for problem in validate_paths([str(path)]).problems if problem.is_error]
    assert [problem.json_path for problem in errors] == [_header(path, "refused-at")]
    assert errors[0].line > 1
    loaded = load_workloads([str(path)])
    assert loaded.workloads == [] and not loaded.ok
    if _header(path, "refused-by") == "manager":
        fields = yaml.safe_load(path.read_text(encoding="utf-8"))
        with pytest.raises(BodyError):
            validated_create(create_body(WorkloadSpec(**fields)))
    else:
        assert _header(path, "refused-by") == "sdk"
