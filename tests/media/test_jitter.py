"""The reorder buffer hands packets on in order without waiting when nothing is missing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from softphone.media.jitter import ReorderBuffer


@dataclass
class P:
    sequence_number: int


def seqs(packets: list[P]) -> list[int]:
    return [p.sequence_number for p in packets]


def test_in_order_packets_are_released_immediately() -> None:
    buf = ReorderBuffer(window=2)
    for i, seq in enumerate(range(100, 110)):
        assert seqs(buf.push(P(seq), i * 20)) == [seq]
    assert buf.depth == 0


def test_swapped_packets_come_out_in_order() -> None:
    buf = ReorderBuffer(window=1)
    assert seqs(buf.push(P(1), 0)) == [1]
    assert seqs(buf.push(P(3), 20)) == []
    assert seqs(buf.push(P(2), 21)) == [2, 3]
    assert buf.stats.lost == 0


def test_a_lost_packet_is_given_up_once_the_window_is_exceeded() -> None:
    buf = ReorderBuffer(window=1)
    buf.push(P(1), 0)
    assert seqs(buf.push(P(3), 40)) == []
    assert seqs(buf.push(P(4), 60)) == [3, 4]
    assert buf.stats.lost == 1
    assert seqs(buf.push(P(5), 80)) == [5]  # and no delay is left behind


def test_a_lost_packet_is_given_up_after_max_wait_even_with_a_wide_window() -> None:
    buf = ReorderBuffer(window=4, max_window=4, max_wait_ms=60)
    buf.push(P(1), 0)
    assert seqs(buf.push(P(3), 40)) == []
    assert seqs(buf.push(P(4), 100)) == [3, 4]


def test_a_packet_arriving_after_being_given_up_is_dropped_and_widens_the_window() -> None:
    buf = ReorderBuffer(window=1, max_window=3)
    buf.push(P(1), 0)
    buf.push(P(3), 40)
    buf.push(P(4), 60)
    assert seqs(buf.push(P(2), 70)) == []
    assert buf.stats.late == 1
    assert buf.window == 2


def test_sequence_numbers_wrap_around() -> None:
    buf = ReorderBuffer(window=1)
    out: list[int] = []
    for i, seq in enumerate([65534, 0, 65535, 1, 2]):
        out += seqs(buf.push(P(seq), i * 20))
    assert out == [65534, 65535, 0, 1, 2]


def test_a_new_stream_resets_instead_of_waiting() -> None:
    buf = ReorderBuffer(window=1)
    buf.push(P(10), 0)
    assert seqs(buf.push(P(30000), 20)) == [30000]
    assert buf.stats.resets == 1


def test_duplicates_are_dropped() -> None:
    buf = ReorderBuffer(window=2)
    buf.push(P(1), 0)
    buf.push(P(3), 20)
    assert seqs(buf.push(P(3), 21)) == []
    assert buf.stats.duplicates == 1


def test_window_bounds_are_checked() -> None:
    with pytest.raises(ValueError):
        ReorderBuffer(window=5, max_window=4)
