"""The dashboard's routes: pages, the officer's actions, exports and the live feed; thin over app/."""

from services.dashboard.api import actions, exports, live, pages

routers = [pages.router, actions.router, exports.router, live.router]

__all__ = ["routers"]
