"""Helpers every test folder shares, each kept once: loopback servers (the emulator,
the scripted control plane, the fake GitHub API), the fake clock, the in-process CLI,
spec-file writers and plan fixtures. Importable as ``support`` (``pythonpath`` in
pyproject.toml puts ``tests/`` on the path)."""
