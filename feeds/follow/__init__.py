"""Following related sites: guarded fetching, robots.txt, discovery, extraction and polling (no Flask)."""
