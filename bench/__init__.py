"""Benchmarks: how fast chudong is on this machine, against the raw transport and a peer library.

Run ``python -m bench`` (``--size tiny`` for a smoke run); results go to docs/benchmarks.md.
"""
