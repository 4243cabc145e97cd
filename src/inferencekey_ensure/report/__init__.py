"""Reporters: turn the engine's plan document into Markdown for people (PR comment, job summary)."""
