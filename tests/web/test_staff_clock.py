"""Staff tables show times in the office's zone with its abbreviation, never a bare UTC clock (issue 15)."""

import datetime as dt

from comms.web.i18n import staff_clock


def test_winter_and_summer_times_are_geneva_times():
    assert staff_clock(dt.datetime(2026, 12, 7, 9, 15, tzinfo=dt.timezone.utc)) == "2026-12-07 10:15 CET"
    assert staff_clock(dt.datetime(2026, 6, 7, 9, 15, tzinfo=dt.timezone.utc)) == "2026-06-07 11:15 CEST"


def test_a_naive_time_is_read_as_utc_and_none_is_blank():
    assert staff_clock(dt.datetime(2026, 12, 7, 23, 30)) == "2026-12-08 00:30 CET"
    assert staff_clock(None) == ""
