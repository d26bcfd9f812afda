"""A table the same in every report of a language — the model's coefficients — is made into
HTML once per process (``base.table_html``, issue 17): the HTML a fresh Styler gives (its
random id aside), made again for anything its HTML depends on."""

from __future__ import annotations

import re

import pandas as pd

from ntm_analysis.report import base, methods
from tests.unit.report.test_report import cache, city, district, panel_file  # noqa: F401

FRAME = pd.DataFrame({"Mô hình": ["tăng", "giảm"], "Hệ số": ["+0,12", "<b>−1,5</b>"]})


def _without_id(html: str) -> str:
    return re.sub(r"T_[0-9a-f]{5}", "T_ID", html)


def test_the_same_table_is_made_once_and_as_a_fresh_styler_makes_it(monkeypatch):
    made = []
    real = base.styled_table
    monkeypatch.setattr(base, "styled_table", lambda *a, **k: made.append(a) or real(*a, **k))
    html = base.table_html(FRAME, left=["Mô hình"])
    assert _without_id(html) == _without_id(real(FRAME, left=["Mô hình"]).to_html())
    assert base.table_html(FRAME.copy(), left=["Mô hình"]) == html and len(made) == 1
    others = [
        base.table_html(FRAME, left=[]),
        base.table_html(FRAME.assign(**{"Hệ số": ["+0,12", "−1,5"]}), left=["Mô hình"]),
        base.table_html(FRAME.rename(columns={"Hệ số": "Ước lượng"}), left=["Mô hình"]),
    ]
    with pd.option_context("styler.format.escape", "html"):  # read when the HTML is made
        others.append(base.table_html(FRAME, left=["Mô hình"]))
        assert "&lt;b&gt;" in others[-1]
    assert len(made) == 5 and all(_without_id(o) != _without_id(html) for o in others)


def test_two_reports_of_a_language_share_the_coefficient_tables_html(district, city):  # noqa: F811
    assert methods._coefficients(district) == methods._coefficients(city)
