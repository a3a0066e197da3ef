"""NATS JetStream wiring: streams, the relay and the consumer base."""
