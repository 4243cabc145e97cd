"""Talking to the InferenceKey control plane over HTTP: settings, retries, errors, readiness."""
