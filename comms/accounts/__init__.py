"""Staff accounts: users, roles, API tokens, and approvals by office holders (no Flask)."""

__all__ = ["approvals", "users"]
