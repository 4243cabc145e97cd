"""``python -I action/launch.py inferencekey_ensure.action_env``: the action's set-up step."""

from inferencekey_ensure.action_env.prepare import main

raise SystemExit(main())
