"""chudong's shared contracts: what every service must agree on.

The event envelope and contracts, the event store and outbox, the NATS wiring,
settings, logging and authentication. No service logic lives here.
"""
