"""Identity's rules on plain values: accounts, grants, passwords, lockout; no I/O."""
