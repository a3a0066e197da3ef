"""What auditors run: replay compliance from the history, explain a union, verify the chains."""
