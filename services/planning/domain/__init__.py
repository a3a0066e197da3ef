"""Planning's decisions: pure, no I/O."""
