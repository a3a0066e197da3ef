"""Development tools for NATS: the embedded nats-server, the local cluster, its users and the catalogue."""
