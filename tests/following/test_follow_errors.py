"""Fetch errors in words: the sources pages lead with what went wrong ("the site's name could not
be found") and keep the follower's technical record one click away, in a <details>."""

import re

import pytest

from comms.following.explain import in_words

from support.follow_samples import add_source


@pytest.mark.parametrize("recorded, words", [
    ("cannot resolve nowhere.invalid: [Errno -2] Name or service not known", "The site's name could not be found"),
    ("cannot resolve nowhere.invalid", "The site's name could not be found"),
    ("intranet.example is at 10.0.0.5, which is not a public address", "leads into a private network"),
    ("TLS error with expired.example: SSLError", "secure connection could not be trusted"),
    ("slow.example did not answer in time", "did not answer in time"),
    ("no answer from slow.example within 20s", "did not answer in time"),
    ("cannot fetch from down.example: ConnectionError", "could not be reached"),
    ("the connection failed while reading: ProtocolError", "broke off before the page arrived"),
    ("410 Gone: https://x.example/news was removed by the site; polling stopped", "removed this page for good"),
    ("503 from https://x.example/: the site asked us to retry after 120s", "asked us to come back later"),
    ("HTTP 404 from https://x.example/news", "The page was not found on the site"),
    ("HTTP 403 from https://x.example/news", "refused to show this page"),
    ("HTTP 502 from https://x.example/news", "a problem of its own"),
    ("HTTP 418 from https://x.example/news", "answered with an error"),
    ("robots.txt disallows this URL for our user agent", "robots.txt asks robots"),
    ("robots.txt could not be read, so the site is not fetched (RFC 9309)", "The site could not be reached"),
    ("robots.txt answered 503, so the site is not fetched (RFC 9309)", "a problem of its own"),
    ("more than 5 redirects", "too many redirects"),
    ("the page is over the 5,000,000-byte limit", "too large"),
    ("the compressed body is corrupt", "could not decode"),
    ("only http and https URLs are followed, not ftp", "not one the follower can visit"),
    ("https://x.example/news was read but no items were found: the site may have changed", "changed its layout"),
    ("something nobody foresaw", "could not be read this time"),
])
def test_each_recorded_error_reads_as_a_sentence(recorded, words):
    assert words in in_words(recorded)
    assert in_words(recorded).endswith(".")


def test_no_error_has_no_words():
    assert in_words(None) == "" and in_words("  ") == ""


def test_the_source_pages_lead_with_words_and_keep_the_detail_one_click_away(client, auth_actions, runtime):
    recorded = "cannot resolve gichd.invalid: [Errno -2] Name or service not known"
    source_id = add_source(runtime, name="GICHD", url="https://gichd.invalid/news", status="broken",
                           last_error=recorded)
    auth_actions.as_viewer()
    for url in ("/staff/sources", f"/staff/sources/{source_id}"):
        html = client.get(url).get_data(as_text=True)
        cell = html[html.index('class="last-error"'):]
        cell = cell[:cell.index("</d")]  # the table cell or the definition
        words = cell.index("The site&#39;s name could not be found")
        detail = re.search(r"<details class=\"error-detail\"><summary>Technical detail</summary><code>(.*?)</code>",
                           cell)
        assert detail and detail.group(1) == recorded and words < detail.start()
