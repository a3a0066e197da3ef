"""NATS JetStream wiring: the embedded server, streams, the relay and the consumer base."""
