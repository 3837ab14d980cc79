"""The platform every capability stands on: jobs and the scheduler, the worker, mail transport, throttles, demo seeding, the mail.send job, DomainError."""

__all__ = ["errors", "jobs", "mail", "notifications", "seeding", "throttle", "worker"]
