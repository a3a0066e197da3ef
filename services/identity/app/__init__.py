"""Identity's use cases: the command table and its handlers, sign-in sessions and tokens."""
