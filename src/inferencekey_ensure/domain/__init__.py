"""Pure domain: slugs, secrets, the spec model. No I/O lives here."""
