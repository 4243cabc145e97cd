"""The plan: what ``ensure()`` would do for each declared workload, decided without I/O."""
