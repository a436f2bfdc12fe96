"""Command-line tools that are not use cases of the service (operations, exports)."""
