"""Renderings of a run and of a validation: the terminal text, the Markdown (PR comment,
job summary) and the JSON document, all read from the engine's RunReport or a ValidationRun."""
