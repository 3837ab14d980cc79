"""The `pressroom` command groups, one module per group; registered on the app by comms.features."""

__all__ = ["backup", "core", "follow", "serve", "support"]
