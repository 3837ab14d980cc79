"""Press contacts: people, outlets, lists, consent and suppression (no Flask)."""
