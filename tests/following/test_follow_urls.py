"""Links resolved as a browser does; only http(s) links are safe (docs/design/security.md item 4); keys for deduplication."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds.follow.urls import clean_url, is_safe_link, resolve, url_key

PAGE = "http://127.0.0.1:8000/en/newsroom/archives-2016/"


@pytest.mark.parametrize("href,base,expected", [
    ("en/newsroom/a/", "http://127.0.0.1:8000/", "http://127.0.0.1:8000/en/newsroom/a/"),
    ("news/112-x", "http://127.0.0.1:8000/index.php/en/news", "http://127.0.0.1:8000/index.php/en/news/112-x"),
    ("http://127.0.0.1:8000//en-gb/x.aspx", None, "http://127.0.0.1:8000//en-gb/x.aspx"),
    ("//other.example/x", None, "http://other.example/x"),
    ("?page=1", None, PAGE + "?page=1"),
    ("happy-anniversary!.aspx", None, PAGE + "happy-anniversary!.aspx"),
    ("/fr/actualit%c3%a9s.aspx", None, "http://127.0.0.1:8000/fr/actualit%c3%a9s.aspx"),
    ("x//y", None, PAGE + "x//y"),
    ("../../a/./b/../c", None, "http://127.0.0.1:8000/en/a/c"),
    ("../../../../../x", None, "http://127.0.0.1:8000/x"),
    ("  /spaced path/é  ", None, "http://127.0.0.1:8000/spaced%20path/%C3%A9"),
    ("/a\\b?c\\d", None, "http://127.0.0.1:8000/a/b?c\\d"),
    ("", None, PAGE),
    ("#top", None, PAGE + "#top"),
    ("HTTP://Example.ORG", None, "http://example.org/"),
    ("/x?tx_news_pi1%5B%40widget_0%5D%5BcurrentPage%5D=2&cHash=5e", None,
     "http://127.0.0.1:8000/x?tx_news_pi1%5B%40widget_0%5D%5BcurrentPage%5D=2&cHash=5e"),
])
def test_resolve_like_a_browser(href, base, expected):
    assert resolve(href, PAGE, base) == expected


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd",
                                 "ftp://example.org/x", "gopher://example.org/", "mailto:a@b.org", "vbscript:x",
                                 "http://user:pw@example.org/", "http://10.0.0.1\\@example.org/", "http:///nohost",
                                 "http://exa mple.org/", "http://example.org:99999/", "//example.org/x", "/relative",
                                 "", None, "http://ex\tample.org/"])
def test_unsafe_links_are_refused(url):
    assert not is_safe_link(url)


@pytest.mark.parametrize("url", ["http://example.org", "https://example.org/a?b=c#d", "http://127.0.0.1:8000/x",
                                 "https://[::1]:8443/x", "https://xn--bcher-kva.example/"])
def test_safe_links(url):
    assert is_safe_link(url)


def test_clean_url_strips_tracking_only():
    assert clean_url("http://e.org/a/?utm_source=x&id=3&fbclid=Q&UTM_Medium=y&gclid=1#frag") == "http://e.org/a/?id=3#frag"
    assert clean_url("http://e.org/a?utm_source=x") == "http://e.org/a"
    assert clean_url("http://e.org/A!/%c3%a9?b=2&a=1") == "http://e.org/A!/%c3%a9?b=2&a=1"


def test_url_key_normalises_the_same_item():
    keys = {url_key(u) for u in ["HTTP://Example.org:80/a?b=2&a=1#x", "http://example.org/a?a=1&b=2&utm_source=z",
                                 "http://example.org/a?mc_cid=1&a=1&b=2&mc_eid=2"]}
    assert len(keys) == 1
    assert url_key("http://example.org") == "http://example.org/"
    assert url_key("https://example.org:443/x/") != url_key("https://example.org/x")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60), st.sampled_from([PAGE, "https://example.org", "http://h/a/b?c#d"]),
       st.one_of(st.none(), st.text(max_size=20)))
def test_resolve_never_raises_and_only_http_is_safe(href, page, base):
    resolved = resolve(href, page, base)
    assert isinstance(resolved, str)
    if is_safe_link(resolved):
        assert resolved.lower().startswith(("http://", "https://"))
        assert url_key(resolved) == url_key(url_key(resolved))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["javascript", "data", "file", "ftp", "gopher", "vbscript", "jar", "blob", "about", "ws"]),
       st.text(max_size=40))
def test_no_other_scheme_is_ever_safe(scheme, rest):
    assert not is_safe_link(f"{scheme}:{rest}")
    assert not is_safe_link(resolve(f"{scheme}:{rest}", PAGE))
