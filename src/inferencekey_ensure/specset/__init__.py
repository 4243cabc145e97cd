"""A set of spec files, found, parsed, validated and declared: the composition of loading and validation that commands and the action start from."""
