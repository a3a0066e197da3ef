"""Notifications (thông báo): alerts to district officers, once, in Vietnamese."""
