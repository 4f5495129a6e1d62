"""Use cases: ids and plain values in, plain data out; each owns its transaction."""
