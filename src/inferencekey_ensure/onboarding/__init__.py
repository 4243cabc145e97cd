"""Getting a team from what already runs to a reviewed repository.

``import`` turns live workloads into spec files, ``init`` adds the CI workflows and
the pre-commit hook, ``projects`` lists the projects specs declare (the matrix of a
repository spanning several projects). The pure parts live here; the ``cli``
modules only parse arguments, read and write.
"""
