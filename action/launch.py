"""Runs one of the action's own modules from this checkout of the action, under ``python -I``.

Isolated mode keeps the workspace (the current folder), ``PYTHONPATH`` and user
site-packages off ``sys.path``; this puts back only the action's own ``src/``, so the
action's code always comes from the action and never from the repository it checks.
Usage: ``python -I launch.py MODULE [ARGS...]``.
"""

import os
import runpy
import sys

ACTION_SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

if __name__ == "__main__":
    sys.path.insert(0, ACTION_SRC)
    module = sys.argv.pop(1)
    runpy.run_module(module, run_name="__main__", alter_sys=True)
