"""Notifications' streams: one per subscription, one per delivery."""

from __future__ import annotations


def subscription_stream(subscription_id: str) -> str:
    """An officer's subscription: subscribed, then perhaps cancelled."""
    return f"subscription-{subscription_id}"


def delivery_stream(delivery_id: str) -> str:
    """What became of one delivery (an alert or a digest, on one channel): delivered or undelivered."""
    return f"delivery-{delivery_id}"
