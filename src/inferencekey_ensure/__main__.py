"""Allow ``python -m inferencekey_ensure`` where the console script is not on PATH."""

from inferencekey_ensure.cli.main import main

raise SystemExit(main())
