"""The ``chudong`` command: run the system, mint tokens, and the operators' and auditors' tools."""
