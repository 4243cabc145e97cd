"""The action's flow as pure decisions, for any CI host: what to annotate, comment, summarise and output, and the exit code."""
