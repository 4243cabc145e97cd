"""The exit codes every ``ik-ensure`` command shares, so scripts and CI can rely on them.

0: success. 1: the command ran and found a problem (invalid spec, failed or refused
workload, drift under fail-on-drift). 2: a usage mistake (bad flag, missing path);
``plan --detailed-exitcode`` also uses 2 for "changes pending", as Terraform does.
"""

OK = 0
FAILURE = 1
USAGE = 2
CHANGES_PENDING = 2
