"""Planning's HTTP API: thin, maps requests to commands and queries."""

from services.planning.api import advice, branch_life, evidence, plans, queries, work

routers = [plans.router, branch_life.router, work.router, advice.router, evidence.router, *queries.routers]

__all__ = ["routers"]
