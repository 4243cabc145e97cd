#!/usr/bin/env bash
# Prints the command that runs Python 3.9 or newer on this runner, trying in order: python3, python,
# py -3 (the Windows launcher). Each is run, not only looked up: on Windows `python3` may be the
# Store's placeholder, which only says how to install Python. Exit 1 with a ::error line otherwise.
set -u
too_old=""
for candidate in python3 python "py -3"; do
  command -v "${candidate%% *}" >/dev/null 2>&1 || continue
  # shellcheck disable=SC2086 # "py -3" is a command and its argument
  version="$($candidate -I -c 'import sys; print("%d.%d.%d" % sys.version_info[:3]); sys.exit(0 if sys.version_info >= (3, 9) else 3)' 2>/dev/null)"
  status=$?
  version="${version%$'\r'}"
  if [ "$status" -eq 0 ]; then
    printf '%s\n' "$candidate"
    exit 0
  fi
  if [ "$status" -eq 3 ]; then
    too_old="${too_old:+$too_old, }$candidate is $version"
  fi
done
if [ -n "$too_old" ]; then
  echo "::error title=ik-ensure needs Python 3.9+::On this runner $too_old; ik-ensure needs 3.9 or newer. Add actions/setup-python (3.9 or newer) before this action."
else
  echo "::error title=ik-ensure needs Python::No python3, python or py -3 runs on this runner. Add a step that provides Python 3.9 or newer (for example actions/setup-python) before this action."
fi
exit 1
