"""Hotline: a crisis-communication wargame."""

__version__ = "0.1.0"
