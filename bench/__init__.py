"""Benchmarks: scripts that print figures and the command that reproduces them."""
