"""Fault proofs: scripts that break a dependency on purpose and check what the service does."""
