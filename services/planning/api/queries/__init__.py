"""Planning's queries, by area: plans, branch life, the unit's work."""

from services.planning.api.queries import branch_life, plans, work

routers = [plans.router, branch_life.router, work.router]

__all__ = ["routers"]
