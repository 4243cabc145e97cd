"""The ground floor: what a check found and where (problem, location, JSON path, severity), and how values are worded in messages."""
