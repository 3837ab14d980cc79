"""Following other sites: sources admin, polling jobs, alerts, watchlists, pick-up, item search (no Flask)."""

__all__ = ["admin", "alerts", "items", "jobs", "on_demand", "pickup", "watch_alerts", "watch_match", "watchlists"]
