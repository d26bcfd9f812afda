"""io.header: the header row under title rows, alone or as a two-row block."""

from __future__ import annotations

from ntm_analysis.io.header import HEADER_SEARCH_ROWS, find_header, header_meaning

CRITERIA = [f"TC{c}" for c in range(1, 20)]


def test_header_meaning():
    assert header_meaning("Mã xã") == "commune_code"
    assert header_meaning("  NĂM ") == "year"
    assert header_meaning("Tiêu chí số 7") == 7
    assert header_meaning("TC07 Thủy lợi") == 7
    assert header_meaning("Ghi chú") is None


def test_title_rows_above_the_header_are_skipped():
    rows = [
        ["ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", None],
        ["Năm 2016", None],  # a title matching one header by chance is still a title
        [],
        ["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA],
        ["X1", "Xã A", "Văn Lãng", 2016, *[1] * 19],
    ]
    header = find_header(rows)
    assert (header.at, header.height) == (3, 1)
    assert header.names[:4] == ("Mã xã", "Tên xã", "Huyện", "Năm")


def test_a_merged_two_row_block_is_one_header():
    rows = [
        ["Mã xã", "Tên xã", "Huyện", "Năm", "Tiêu chí", *[None] * 18],
        [None, None, None, None, *range(1, 20)],
        ["X1", "Xã A", "Văn Lãng", 2016, *[1] * 19],
    ]
    header = find_header(rows)
    assert (header.at, header.height) == (0, 2)
    assert header.names[4] == "Tiêu chí 1" and header.names[-1] == "Tiêu chí 19"


def test_a_data_row_below_the_header_is_not_part_of_it():
    rows = [["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA], ["X1", "Xã A", "Lộc Bình", 2016]]
    assert find_header(rows).height == 1


def test_no_header_in_the_rows_searched():
    rows = [["a", "b"]] * HEADER_SEARCH_ROWS + [["Mã xã", "Tên xã", "Huyện", "Năm"]]
    assert find_header(rows) is None
