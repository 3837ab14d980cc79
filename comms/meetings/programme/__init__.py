"""A meeting's agenda and programme (versions, sign-off, publishing) and the office holders'
bilateral meetings with delegations (no Flask).

Times are stored in UTC and shown in the meeting's zone. The programme is versioned
like a strategy: each save whose sessions differ makes a new version, sign-off goes
through comms.accounts.approvals bound to that version, and only an approved version
is published. Publishing compares with the last published version, so calendar
clients see a raised SEQUENCE on exactly the sessions that changed.
"""

__all__ = ["agenda", "bilaterals", "changes", "demo", "invitations", "models", "printing", "sessions", "signoff"]
