"""A media strategy's content, shared by the strategy and embargo tests."""

from __future__ import annotations


CONTENT = {"objectives": ["Raise awareness of the 2025 universalization push"],
           "key_messages": [{"language": "en", "text": "Every mine cleared saves lives."},
                            {"language": "fr", "text": "Chaque mine retirée sauve des vies."}],
           "audiences": ["Geneva press corps"], "channels": ["press_release", "press_conference"],
           "spokespersons": ["The President"], "risks": ["Competing news on the same day"]}
