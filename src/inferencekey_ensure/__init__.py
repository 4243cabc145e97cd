"""ensure-action: InferenceKey workload specs in version control, checked and ensured from CI."""

__version__ = "0.1.0"
