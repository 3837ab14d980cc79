"""Publication dates in many forms and languages; docs/design/security.md item 10: unclear dates are unknown, never "now"."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds.follow.dates import EARLIEST_YEAR, find_date_in_text, parse_date

D = dt.date


@pytest.mark.parametrize("text,language,expected", [
    ("27 February 2015", "en", D(2015, 2, 27)),
    ("2 mars 2016", "fr", D(2016, 3, 2)),
    ("1er décembre 2016", "fr", D(2016, 12, 1)),
    ("20 juin 2024", "fr", D(2024, 6, 20)),
    ("24-11-2004", None, D(2004, 11, 24)),
    ("Posted on June, 12 2013", "en", D(2013, 6, 12)),
    ("(04/12/2009, last updated: 08/12/2009)", "en", D(2009, 12, 4)),
    ("Friday, 2 December 2016", "en", D(2016, 12, 2)),
    ("Sept. 3, 2020", "en", D(2020, 9, 3)),
    ("15 de mayo de 2023 · 3 min", "es", D(2023, 5, 15)),
    ("3. März 2020", "de", D(2020, 3, 3)),
    ("2016-12-02", None, D(2016, 12, 2)),
    ("2016/6/29 15:07", None, D(2016, 6, 29)),  # a time without a zone is no instant: the day only
    ("Mar 03, 2021 10:15 AM", "en", D(2021, 3, 3)),
    ("3 сентября 2020 г.", "ru", D(2020, 9, 3)),
    ("٣ سبتمبر ٢٠٢٠", "ar", D(2020, 9, 3)),
    ("2020年9月3日", "zh", D(2020, 9, 3)),
    ("12/25/2019", "en-US", D(2019, 12, 25)),
    ("05/04/2019", "en-US", D(2019, 5, 4)),
    ("05/04/2019", "en-GB", D(2019, 4, 5)),
])
def test_dates_in_many_forms(text, language, expected):
    assert parse_date(text, language) == expected


@pytest.mark.parametrize("text,language,expected", [
    # Month names in one language, digits and suffixes in another, in any of the nine languages.
    ("18th أبريل 2024", "ar", D(2024, 4, 18)),
    ("\u200f18th أبريل 2024\u200f", "ar", D(2024, 4, 18)),  # right-to-left marks around it
    ("الخميس، ٢١ نوفمبر ٢٠٢٤ - ١٠:٣٠", "ar", D(2024, 11, 21)),  # Arabic comma, Eastern Arabic digits
    ("18 نيسان 2024", "ar", D(2024, 4, 18)),  # Levantine month name
    ("18 أفريل 2024", "ar", D(2024, 4, 18)),  # Maghrebi month name
    ("2024年4月18日", "zh", D(2024, 4, 18)),
    ("发布时间：2024年11月8日", "zh", D(2024, 11, 8)),
    ("十月 4, 2024", "zh", D(2024, 10, 4)),  # Drupal's "F j, Y" in Chinese
    ("４月１８日, ２０２４", "zh", D(2024, 4, 18)),  # full-width digits
    ("18 апреля 2024 г.", "ru", D(2024, 4, 18)),
    ("18-го апреля 2024 года", "ru", D(2024, 4, 18)),
    ("Опубликовано: 06 ноября 2024", "ru", D(2024, 11, 6)),
    ("abr 18, 2024 10:15 AM", "es", D(2024, 4, 18)),
    ("18 abril, 2024", "es", D(2024, 4, 18)),
    ("1er octobre 2024", "fr", D(2024, 10, 1)),
    ("Giovedì 18 aprile 2024", "it", D(2024, 4, 18)),
    ("05 Novembre 2024", "it", D(2024, 11, 5)),
    ("Publicado em 18 de abril de 2024", "pt", D(2024, 4, 18)),
    ("18. März 2024", "de", D(2024, 3, 18)),
    ("18 April 2024", "ar", D(2024, 4, 18)),  # an English date on an Arabic page
])
def test_dates_in_the_un_languages_mixed_forms(text, language, expected):
    assert parse_date(text, language) == expected


@pytest.mark.parametrize("text", ["٢٥ رمضان ١٤٤٥ هـ", "20 ربيع الأول 1446 هـ", "1446/04/19هـ", "19/04/1446 هـ",
                                  "15 Ramadan 1445 AH", "Shawwal 1445", "السبت ١٩ ربيع الآخر ١٤٤٦هـ"])
def test_hijri_dates_are_recognised_and_refused(text):
    assert parse_date(text, "ar") is None and find_date_in_text(text, "ar") is None
    assert parse_date(text, None) is None


def test_a_hijri_date_beside_its_gregorian_one_gives_the_gregorian_day():
    assert find_date_in_text("الأحد ٢٢ جمادى الأولى ١٤٤٦هـ - الموافق ٢٤ نوفمبر ٢٠٢٤م", "ar") == D(2024, 11, 24)
    assert find_date_in_text("15 Ramadan 1445 AH (25 March 2024)", "en") == D(2024, 3, 25)


def test_superscripts_and_other_digits_are_not_dates():
    assert find_date_in_text("4.2 km² released to communities in 2024", "en") is None


def test_an_iso_time_with_an_offset_is_an_aware_datetime():
    value = parse_date("2025-03-14T11:32:11+01:00")
    assert value == dt.datetime(2025, 3, 14, 10, 32, 11, tzinfo=dt.timezone.utc)
    assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize("text", ["MEST", "12/06/13", "June 12", "today", "yesterday", "2 days ago", "", None,
                                  "0200-01-01", "200", "1 January 1850", "31 February 2016", "2999-01-01",
                                  "Sometime in spring", "15:07", "99/99/2016", "Monday"])
def test_unclear_dates_are_unknown(text):
    assert parse_date(text) is None


def test_dateline_and_first_date_in_text():
    assert find_date_in_text("Geneva, 3 September 2020 – The President-designate wrote on 1 August 2010.") == \
        D(2020, 9, 3)
    assert find_date_in_text("As of 2 July 2020, the Unit had received 61 reports.") == D(2020, 7, 2)
    assert find_date_in_text("No date here at all, only 42 words.") is None


TOMORROW = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=2)


def _in_bounds(value) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return value is None or (EARLIEST_YEAR <= day.year and day <= TOMORROW and
                             (not isinstance(value, dt.datetime) or value.tzinfo is not None))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from([None, "en", "fr", "es", "de", "ar", "ru", "zh", "en-US", "xx"]))
def test_parse_date_never_raises_and_stays_in_bounds(text, language):
    assert _in_bounds(parse_date(text, language))
    assert _in_bounds(find_date_in_text(text, language))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99), st.sampled_from(["-", "/", ".", " "]),
       st.sampled_from(["{d}{s}{m}{s}{y}", "{y}{s}{m}{s}{d}", "{d} {mn} {y}", "{mn} {d}, {y}", "{d}{s}{m}{s}{y2}"]))
def test_numbers_that_look_like_dates_stay_in_bounds(year, month, day, sep, pattern):
    names = ["January", "février", "marzo", "Mai", "Sept", "dic"]
    text = pattern.format(d=day, m=month, y=year, y2=year % 100, s=sep, mn=names[month % len(names)])
    value = parse_date(text)
    assert _in_bounds(value)
    if "{y2}" in pattern:
        assert value is None  # two-digit years are never guessed
