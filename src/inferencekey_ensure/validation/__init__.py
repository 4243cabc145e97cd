"""Checking parsed spec documents: the JSON Schema plus the rules a schema cannot say."""
