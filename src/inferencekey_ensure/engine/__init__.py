"""Orchestration of ``plan`` and ``apply``: ``run(request) -> RunReport``, ``report_to_json``."""

from inferencekey_ensure.engine.json_report import report_to_json
from inferencekey_ensure.engine.request import PREVIEW, RECONCILE, RunRequest
from inferencekey_ensure.engine.results import RunReport
from inferencekey_ensure.engine.run import run

__all__ = ["PREVIEW", "RECONCILE", "RunReport", "RunRequest", "report_to_json", "run"]
