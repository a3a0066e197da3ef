"""The identity service: officers' accounts, the grants of a role at a unit, sign-in and tokens (ADR 0024)."""
