"""Revisions of the schema, oldest first (``v0001_…``): see the package and docs/operations.md."""
