"""chudong's services: each its own process and its own database; they never import one another."""
