"""Span claims in free text: the first finder wins, and edits apply in order."""

from __future__ import annotations

from harguard.redact._text import Edits


def test_first_claim_wins_and_overlaps_are_refused() -> None:
    edits = Edits()
    edits.claim(10, 20, "A")
    edits.claim(15, 25, "B")  # overlaps A
    edits.claim(5, 11, "C")  # overlaps A's start
    edits.claim(20, 22, "D")  # touches A's end: free
    edits.claim(0, 5, "E")
    text = "".join(chr(ord("a") + i % 26) for i in range(30))
    assert edits.apply(text) == "E" + text[5:10] + "A" + "D" + text[22:]


def test_is_free_sees_neighbours_on_both_sides() -> None:
    edits = Edits()
    for start in range(0, 100, 10):
        edits.claim(start, start + 5, "x")
    assert edits.is_free(5, 10)
    assert not edits.is_free(4, 6)
    assert not edits.is_free(9, 11)
    assert not edits.is_free(12, 13)
    assert edits.is_free(95, 200)


def test_within_and_remove_let_a_header_line_take_over_its_placeholders() -> None:
    edits = Edits()
    edits.claim(2, 4, "p")
    edits.claim(6, 8, "q")
    edits.claim(20, 22, "r")
    inside = edits.within(0, 10)
    assert inside == [(2, 4, "p"), (6, 8, "q")]
    for edit in inside:
        edits.remove(edit)
    assert edits.is_free(0, 10) and not edits.is_free(0, 21)


def test_many_claims_stay_ordered() -> None:
    edits = Edits()
    for start in reversed(range(0, 20_000, 2)):
        edits.claim(start, start + 1, "#")
    assert edits.apply("ab" * 10_000) == "#b" * 10_000
