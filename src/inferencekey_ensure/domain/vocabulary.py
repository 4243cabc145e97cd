"""The platform's fixed words: native backends, task types, policies, drift modes.

Kept apart from the pydantic model so the commit-time validator can use them
without importing pydantic (it must start fast). The JSON Schema lists the same
words; a test holds the two together.
"""

from __future__ import annotations

NATIVE_BACKENDS = ("ollama", "vllm", "vllm-omni", "sglang", "llamacpp", "stablediffusioncpp")
TASK_TYPES = (
    "text2text",
    "embedding",
    "text2image",
    "text2video",
    "text2audio",
    "image2image",
    "image2video",
    "audio2text",
    "omni",
    "reranker",
    "classification",
    "reward",
    "forecast",
)
DEFAULT_TASK_TYPE = "text2text"
EXECUTION_POLICIES = ("fixed", "scheduled", "autoscaling")
ON_DRIFT_VALUES = ("reconcile", "fail", "dry_run", "warn", "ignore")
DEFAULT_ON_DRIFT = "reconcile"
VLLM_BACKENDS = ("vllm", "vllm-omni")
COMMAND_UNSUPPORTED_BACKENDS = ("ollama", "sglang")
# llamacpp runs ``command`` verbatim, and it must start this server on a GGUF model.
LLAMACPP_SERVER = "llama-server"
