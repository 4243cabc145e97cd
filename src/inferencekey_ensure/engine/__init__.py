"""Orchestration of ``plan`` and ``apply``: ``run(request, specs, connect) -> RunReport``."""

from inferencekey_ensure.engine.request import PREVIEW, RECONCILE, RunRequest
from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.engine.run import run

__all__ = ["PREVIEW", "RECONCILE", "RunReport", "RunRequest", "run"]
