"""The generic extractor on the kinds of listing that used to fool it, built here block by block:
rich-text listings whose introduction and closing share the items' markup, "read more" listings
in the nine languages, dates above, beside or below their links, titles without spaces."""

from __future__ import annotations

import datetime as dt

import pytest

from feeds.follow.extract import explain_listing, extract_listing
from feeds.follow.headlines import reads_as_headline

BASE = "http://example.org"
TITLES = ["States Parties meet to review clearance deadlines", "Committee publishes its observations on requests",
          "Experts on victim assistance gather in Amman", "Monitor figures presented to the Coordinating Committee",
          "Intersessional Meetings close with a call for funding", "President visits mine-affected communities"]


def _page(body: str, lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><body><nav><a href="/">Home page</a> <a href="/about/">About us '
            f'here</a></nav><main><h1>Press releases</h1>{body}</main><footer><a href="/privacy/">Privacy policy'
            f"</a></footer></body></html>")


def _rows(found) -> list[tuple]:
    return [(item.title, item.url.removeprefix(BASE), item.published) for item in found]


def _rich_text(layout: str) -> str:
    intro_link = '<a href="/press/archive/">press release archive</a>'
    closing_title = "Media accreditation for the Meeting of the States Parties"
    if layout == "paragraphs":
        items = "".join(f'<p><strong><a href="/press/2024/r{n}/">{t}</a></strong><br>Geneva, {n} May 2024 – Delegations'
                        f' met. <a href="/fr/press/2024/r{n}/">Français</a></p>' for n, t in enumerate(TITLES, 1))
        return (f"<div class='text'><p>Older releases are in the {intro_link}, statements on the <a href='/statements/'>"
                f"statements page</a>.</p>{items}<p><strong><a href='/media/accreditation/'>{closing_title}</a></strong>"
                f"<br>Journalists who wish to cover the Meeting must request accreditation from the Information "
                f"Service by 15 November 2024.</p></div>")
    if layout == "pairs":
        items = "".join(f'<p><strong><a href="/press/2024/r{n}/">{t}</a></strong></p><p>Geneva, {n} May 2024. Delegations'
                        f" met to review progress. (<a href='/en/r{n}'>English</a>)</p>" for n, t in enumerate(TITLES, 1))
        return (f"<div class='text'><p>Older releases are in the {intro_link}.</p><h3>2024</h3>{items}"
                f"<p><strong><a href='/media/accreditation/'>{closing_title}</a></strong></p><p>Journalists must "
                f"apply to the Information Service for accreditation before 8 November 2024.</p></div>")
    if layout == "list":
        items = "".join(f'<li>{n} May 2024: <a href="/press/2024/r{n}/">{t}</a></li>' for n, t in enumerate(TITLES, 1))
        return (f"<ul><li>This page lists the releases of 2024; older ones are in the {intro_link}.</li>{items}"
                f"<li>For press enquiries and accreditation see <a href='/media/accreditation/'>{closing_title}</a>."
                f"</li></ul>")
    items = "".join(f'<tr><td>{n:02d}/05/2024</td><td><a href="/press/2024/r{n}/">{t}</a> (<a href="/files/r{n}.pdf">'
                    f"PDF, 120 Ko</a>)</td></tr>" for n, t in enumerate(TITLES, 1))
    return (f"<table><tr><td colspan='2'><strong>Releases 2024</strong> — see also the {intro_link}</td></tr>{items}"
            f"<tr><td>&nbsp;</td><td><a href='/press/archives/'>Archive of releases (2010–2022)</a></td></tr></table>")


@pytest.mark.parametrize("layout", ["paragraphs", "pairs", "list", "table"])
def test_an_introduction_and_a_closing_that_share_the_items_markup_are_not_items(layout):
    found = extract_listing(_page(_rich_text(layout)), BASE + "/press/", language="en")
    assert _rows(found) == [(t, f"/press/2024/r{n}/", dt.date(2024, 5, n)) for n, t in enumerate(TITLES, 1)]


def _cards(dates: list, last_href: str | None = None) -> str:
    cards = []
    for n, (title, day) in enumerate(zip(TITLES, dates), 1):
        href = last_href if last_href and n == len(dates) else f"/news/2024/s{n}"
        when = f"<p class='meta'>Published {day} June 2024</p>" if day else "<p class='meta'>Press office</p>"
        cards.append(f"<div class='card'><h3><a href='{href}'>{title}</a></h3>{when}<p>A summary of the story.</p></div>")
    return "".join(cards)


def test_a_block_lacking_one_shared_feature_is_an_item_in_the_middle_of_the_run_but_not_at_its_end():
    middle = extract_listing(_page(_cards([1, 2, None, 4, 5, 6])), BASE + "/news/")
    assert [item.published for item in middle] == [dt.date(2024, 6, d) if d else None for d in (1, 2, None, 4, 5, 6)]
    last = extract_listing(_page(_cards([1, 2, 3, 4, 5, None])), BASE + "/news/")
    assert [item.url for item in last] == [f"{BASE}/news/2024/s{n}" for n in range(1, 6)]


def test_blocks_linking_to_other_sites_without_dates_are_dropped_from_the_run():
    news = "".join(f"<li class='item'><a href='/news/2024/s{n}.aspx'>{t}</a><div class='description'>0{n}/06/2024 — "
                   "text</div></li>" for n, t in enumerate(TITLES, 1))
    links = "".join(f"<li class='item'><a href='https://partner{n}.example/'>Partner organisation number {n}</a>"
                    "<div class='description'>External website</div></li>" for n in range(1, 5))
    found = extract_listing(_page(f"<ul class='list'>{news}</ul><h2>Useful links</h2><ul class='list'>{links}</ul>"),
                            BASE + "/Pages/News.aspx")
    assert [item.url for item in found] == [f"{BASE}/news/2024/s{n}.aspx" for n in range(1, 7)]
    assert [item.published for item in found] == [dt.date(2024, 6, n) for n in range(1, 7)]


@pytest.mark.parametrize("lang,more", [("en", "Read more ›"), ("fr", "Lire la suite »"), ("es", "Leer más"),
                                       ("de", "Weiterlesen"), ("it", "Leggi tutto"), ("pt", "Leia mais"),
                                       ("ru", "Подробнее…"), ("ar", "اقرأ المزيد"), ("zh", "阅读全文>>"), ("en", "")])
def test_a_read_more_link_stands_for_its_plain_text_headline(lang, more):
    blocks = "".join(f"<div class='row'><h4>{t}</h4><span>{n} July 2024</span><p>Some words about it.</p>"
                     f"<a href='/news/detail.aspx?id={n}'>{more}</a></div>" for n, t in enumerate(TITLES, 1))
    pager = "<div class='pager'><a href='/news/?page=2'>Next page</a></div>"
    found = extract_listing(_page(blocks + pager, lang), BASE + "/news/", language=lang)
    assert _rows(found) == [(t, f"/news/detail.aspx?id={n}", dt.date(2024, 7, n)) for n, t in enumerate(TITLES, 1)]


@pytest.mark.parametrize("layout", ["above-flat", "below-flat", "beside", "above-in-block", "below-in-block"])
def test_each_date_goes_to_its_own_item_wherever_it_stands(layout):
    def one(n: int, title: str) -> str:
        link, day = f"<a href='/news/s{n}.html'>{title}</a>", f"{n} August 2024"
        return {"above-flat": f"<h4>{day}</h4><p>{link}<br>A note on it.</p>",
                "below-flat": f"<h3>{link}</h3><p>{day}</p><p>A note on it.</p>",
                "beside": f"<li>{day} – {link}</li>",
                "above-in-block": f"<div class='entry'><span>{day}</span><h3>{link}</h3><p>A note.</p></div>",
                "below-in-block": f"<div class='entry'><h3>{link}</h3><p>A note.</p><footer>{day}</footer></div>"}[layout]
    body = "".join(one(n, t) for n, t in enumerate(TITLES, 1))
    body = f"<ul>{body}</ul>" if layout == "beside" else f"<div id='content'>{body}<p><a href='/old.html'>Older news</a></p></div>"
    found = extract_listing(_page(body), BASE + "/news.html")
    assert [(item.url.removeprefix(BASE), item.published) for item in found] == [
        (f"/news/s{n}.html", dt.date(2024, 8, n)) for n in range(1, 7)]


def test_titles_without_spaces_are_titles():
    titles = ["缔约国会议在日内瓦开幕", "两个缔约国宣布完成排雷义务", "第五条委员会发表初步意见", "受害者援助专家举行会议"]
    rows = "".join(f"<div class='views-row'><a href='/zh/news/{n}'>{t}</a><span>2024年9月{n}日</span></div>"
                   for n, t in enumerate(titles, 1))
    found = extract_listing(_page(rows, "zh"), BASE + "/zh/news", language="zh")
    assert _rows(found) == [(t, f"/zh/news/{n}", dt.date(2024, 9, n)) for n, t in enumerate(titles, 1)]


def test_explain_says_why_each_block_was_kept_or_dropped():
    verdicts = explain_listing(_page(_rich_text("paragraphs")), BASE + "/press/", language="en")
    by_title = {v.title: v for v in verdicts}
    assert [v.title for v in verdicts if v.kept] == TITLES
    intro, closing = by_title["press release archive"], by_title[
        "Media accreditation for the Meeting of the States Parties"]
    assert not intro.kept and not closing.kept
    assert "title first" in intro.reasons and "dated" in intro.reasons
    assert "same kind of page" in closing.reasons and "date by the title" in closing.reasons
    assert by_title[TITLES[0]].reasons.startswith("has title first, title stands out, dated")


@pytest.mark.parametrize("text,headline", [
    ("First mine-free district declared", True), ("Next steps agreed by the Committee", True),
    ("Read more about the Convention's history", True), ("缔约国会议开幕", True),
    ("Next page »", False), ("Older posts", False), ("Page suivante →", False), ("« First", False),
    ("Read more ›", False), ("Lire la suite", False), ("Подробнее…", False), ("اقرأ المزيد", False),
    ("阅读全文>>", False), ("下一页", False), ("Page 2", False)])
def test_pager_and_read_more_words_are_not_titles_but_titles_that_start_with_them_are(text, headline):
    assert reads_as_headline(text) is headline
