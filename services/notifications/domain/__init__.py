"""Notifications' rules: who gets which alert, when: pure, no I/O."""
