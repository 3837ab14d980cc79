"""A followed source's fetch error in words an officer reads at a glance.

The follower (feeds.follow) records what went wrong technically ("cannot resolve
example.invalid: [Errno -2] Name or service not known", "HTTP 503 from ..."): that
stays available one click away for whoever fixes it, while pages and alerts lead
with what it means ("the site's name could not be found").
"""

from __future__ import annotations

import re

# (pattern on the recorded error, what it means); the first match wins.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern, re.IGNORECASE), words) for pattern, words in (
    (r"robots\.txt could not be read",
     "The site could not be reached: it may be down, or not accepting connections (robots.txt, read first, did "
     "not answer)."),
    (r"robots\.txt answered \d+",
     "The site had a problem of its own (its robots.txt answered with an error), so it is not read for now."),
    (r"robots\.txt disallows",
     "The site's robots.txt asks robots like ours not to read this page, so it is not fetched."),
    (r"cannot resolve|name or service not known|nodename nor servname|getaddrinfo",
     "The site's name could not be found: check the address for typing mistakes, or the site may be gone."),
    (r"not a public address",
     "The address leads into a private network, which the follower does not visit."),
    (r"^TLS error|SSLError|certificate",
     "The site's secure connection could not be trusted (its certificate may have expired or not match its name)."),
    (r"did not answer in time|no answer from|took over .* to arrive|stopped arriving|timed? ?out",
     "The site did not answer in time; it may be down or very slow."),
    (r"ConnectionRefused|refused",
     "The site refused the connection; it may be down."),
    (r"the connection failed while reading",
     "The connection to the site broke off before the page arrived."),
    (r"cannot fetch from|ConnectionError|ConnectError",
     "The site could not be reached: it may be down, or not accepting connections."),
    (r"^410 Gone",
     "The site has removed this page for good, so polling stopped."),
    (r"asked us to retry after|\b429\b",
     "The site is busy and asked us to come back later; the next poll waits as asked."),
    (r"^HTTP 40[13]\b",
     "The site refused to show this page to the follower."),
    (r"^HTTP 404\b",
     "The page was not found on the site: it may have moved."),
    (r"^HTTP 5\d\d\b",
     "The site had a problem of its own and could not serve the page."),
    (r"^HTTP \d+",
     "The site answered with an error instead of the page."),
    (r"redirects",
     "The site kept sending the follower elsewhere (too many redirects)."),
    (r"byte limit",
     "The page is too large for the follower to read."),
    (r"Content-Encoding|compressed body is corrupt|could not be read \(",
     "The site sent a page the follower could not decode."),
    (r"^(empty URL|URL |only http|host |numeric host)",
     "The address is not one the follower can visit: check it."),
    (r"no items were found|items where .* are usual",
     "The page was read but its news items were not where they used to be: the site may have changed its layout."),
))


def in_words(error: str | None) -> str:
    """What a recorded fetch ``error`` means, as a sentence; '' when there is none."""
    error = (error or "").strip()
    if not error:
        return ""
    for pattern, words in _RULES:
        if pattern.search(error):
            return words
    return "The site could not be read this time."
