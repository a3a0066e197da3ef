"""Tests of the evaluation service."""
