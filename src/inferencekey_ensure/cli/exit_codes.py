"""The one table of exit codes every ``ik-ensure`` command shares (docs/cli.md, "Exit codes").

| code | meaning |
|---|---|
| 0 | success: valid specs, a plan made, an apply where every workload is ok |
| 1 | the command ran and found a failure: an invalid spec, a failed or refused workload, a platform that could not be read |
| 2 | changes are pending; only ``plan --detailed-exitcode`` says it, as Terraform does |
| 64 | a usage error: an unknown option, a path that does not exist, inputs that exclude each other |
| 70 | an internal error: a bug in ik-ensure, reported as one line, never a traceback |
| 130 | interrupted (Ctrl-C) |

A usage error has its own code, 64 (``EX_USAGE`` of BSD's sysexits.h), and not argparse's
2: under ``--detailed-exitcode`` 2 means "changes pending", and a typo in a CI script must
never read as a plan with changes. An internal error has ``EX_SOFTWARE`` (70), so a bug is
told from a finding about the user's specs. Every non-zero code fails a pre-commit hook
and a CI step.
"""

OK = 0
FAILURE = 1
CHANGES_PENDING = 2
USAGE = 64
INTERNAL = 70
INTERRUPTED = 130
