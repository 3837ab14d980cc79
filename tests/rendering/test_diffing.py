"""The word-level diff used to compare release revisions (comms.rendering.diffing, no Flask)."""

from hypothesis import given
from hypothesis import strategies as st

from comms.rendering.diffing import DELETE, EQUAL, INSERT, as_text, diff_fields, diff_words, new_text, old_text, tokenize


def test_tokens_are_words_spaces_and_punctuation_and_join_back():
    assert tokenize("Hello, world!  l'État") == ["Hello", ",", " ", "world", "!", "  ", "l'État"]
    assert tokenize("") == []
    assert "".join(tokenize("a\n\nb — c")) == "a\n\nb — c"


def test_identical_texts_are_one_equal_segment():
    assert diff_words("same text", "same text") == [(EQUAL, "same text")]
    assert diff_words("", "") == []


def test_a_replaced_word_is_a_deletion_then_an_insertion():
    assert diff_words("Three States declared", "Four States declared") == [
        (DELETE, "Three"), (INSERT, "Four"), (EQUAL, " States declared")]


def test_inserted_and_deleted_words():
    assert diff_words("one three", "one two three") == [(EQUAL, "one "), (INSERT, "two "), (EQUAL, "three")]
    assert diff_words("one two three", "one three") == [(EQUAL, "one "), (DELETE, "two "), (EQUAL, "three")]


def test_a_changed_phrase_reads_as_one_deletion_and_one_insertion():
    assert diff_words("we met in Geneva today", "we met in Oslo last week") == [
        (EQUAL, "we met in "), (DELETE, "Geneva today"), (INSERT, "Oslo last week")]


def test_punctuation_changes_are_their_own_tokens():
    assert diff_words("It is done.", "It is done!") == [(EQUAL, "It is done"), (DELETE, "."), (INSERT, "!")]


def test_from_and_to_empty():
    assert diff_words("", "new words") == [(INSERT, "new words")]
    assert diff_words("old words", "") == [(DELETE, "old words")]


def test_words_are_not_split_inside():
    # "completion" vs "completed" is one word replaced, not letters.
    assert diff_words("completion", "completed") == [(DELETE, "completion"), (INSERT, "completed")]


@given(st.text(max_size=80), st.text(max_size=80))
def test_segments_rebuild_both_texts(old, new):
    segments = diff_words(old, new)
    assert old_text(segments) == old and new_text(segments) == new
    assert all(text for _op, text in segments)  # no empty segments
    assert all(a[0] != b[0] for a, b in zip(segments, segments[1:]))  # neighbours differ


def test_content_values_as_text():
    assert as_text(None) == ""
    assert as_text(["mine-clearance", "meetings"]) == "mine-clearance, meetings"
    assert as_text([{"text": "A great day.", "speaker": "The President"}, {"text": "Yes.", "speaker": ""}]) == \
        "“A great day.” — The President\n“Yes.”"


def test_diff_fields_compares_each_field():
    old = {"headline": "Mines cleared", "topics": ["meetings"], "quotes": []}
    new = {"headline": "Mines cleared", "topics": ["meetings", "mine-clearance"],
           "quotes": [{"text": "Done.", "speaker": "P"}]}
    headline, topics, quotes, missing = diff_fields(old, new, ["headline", "topics", "quotes", "dateline"])
    assert not headline.changed and headline.segments == [(EQUAL, "Mines cleared")]
    assert topics.changed and topics.segments == [(EQUAL, "meetings"), (INSERT, ", mine-clearance")]
    assert quotes.segments == [(INSERT, "“Done.” — P")] and quotes.counts == {INSERT: 2, DELETE: 0}
    assert missing.segments == [] and not missing.changed
