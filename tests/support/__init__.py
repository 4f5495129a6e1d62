"""Test-side helpers: real external servers started as subprocesses."""
