"""The GitHub side of the action: runner context, workflow commands, outputs, job summary, PR comment."""
