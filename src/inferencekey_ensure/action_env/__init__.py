"""The action's private Python environment: built from a hash-locked set of wheels, isolated, optionally cached.

Standard library only, and imported by ``action/launch.py`` under ``python -I``
before anything is installed: nothing here may import a third-party package or
the rest of ``inferencekey_ensure``.
"""
