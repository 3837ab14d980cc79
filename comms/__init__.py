"""Pressroom: the service and the message side of the press office."""

__version__ = "0.1.0"
