"""Membership's decisions: pure functions from a command and the current state to events."""
