"""Evaluation's rules and verdicts: pure, no I/O."""
