"""Every user-facing string, in Vietnamese (the default) and English, in one table.

Provincial officials read Vietnamese first, so nothing shown to a person — chart titles, axis
labels, legends, table headers, status labels, headline sentences, command-line messages — is
written inline elsewhere: it is looked up here with ``t(key, lang)``. One table means a wording
is corrected once, and a test can check that every key has both languages with the same
``{placeholders}`` (a sentence that drops ``{year}`` in one language is a silent bug).

Numbers follow each language's convention: Vietnamese writes "8,5" and "1.234" (decimal comma,
thousands dot), English "8.5" and "1,234". Probabilities are also given in plain words on an
IPCC-like scale (see ``probability_words``) because "23%" alone is easy to misread as
"23% of communes".
"""

from __future__ import annotations

import math
import string
import unicodedata
from collections.abc import Iterator

from ntm_analysis.i18n.admin import ADMIN
from ntm_analysis.i18n.errors import ERRORS
from ntm_analysis.i18n.text import fold, nfc

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"

# key -> {"vi": ..., "en": ...}. Keys are dotted by kind: mark, unit, col, status, prob,
# headline, chart, axis, legend, group, cli.
_TABLE: dict[str, dict[str, str]] = {
    # --- marks -------------------------------------------------------------------------------
    "mark.synthetic": {
        "vi": "Dữ liệu mô phỏng — không phải số liệu thật",
        "en": "Synthetic data — dữ liệu mô phỏng",
    },
    "mark.synthetic_watermark": {"vi": "DỮ LIỆU MÔ PHỎNG", "en": "SYNTHETIC DATA"},
    # --- administrative units (lower case, for use inside sentences) -------------------------
    "unit.province": {"vi": "tỉnh", "en": "province"},
    "unit.district": {"vi": "huyện", "en": "district"},
    # --- table headers / column names --------------------------------------------------------
    "col.unit": {"vi": "Đơn vị", "en": "Unit"},
    "col.district": {"vi": "Huyện", "en": "District"},
    "col.commune": {"vi": "Xã", "en": "Commune"},
    "col.year": {"vi": "Năm", "en": "Year"},
    "col.n_communes": {"vi": "Tổng số xã", "en": "Number of communes"},
    "col.n_ntm": {"vi": "Số xã đạt chuẩn NTM", "en": "Communes meeting the NTM standard"},
    "col.share_ntm": {
        "vi": "Tỷ lệ xã đạt chuẩn NTM",
        "en": "Share of communes meeting the NTM standard",
    },
    "col.mean_criteria": {
        "vi": "Số tiêu chí đạt bình quân/xã",
        "en": "Average criteria met per commune",
    },
    "col.n_below_5": {
        "vi": "Số xã đạt dưới 5 tiêu chí",
        "en": "Communes meeting fewer than 5 criteria",
    },
    "col.n_close": {"vi": "Số xã đạt 15–18 tiêu chí", "en": "Communes meeting 15–18 criteria"},
    "col.criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "col.n_met": {"vi": "Số tiêu chí đạt", "en": "Criteria met"},
    "col.probability": {"vi": "Khả năng đạt mục tiêu", "en": "Probability of reaching the target"},
    "col.expected": {
        "vi": "Số xã đạt chuẩn dự báo (trung bình)",
        "en": "Communes meeting the standard, expected",
    },
    "col.expected_year": {
        "vi": "Số xã đạt chuẩn dự báo năm {year} (trung bình)",
        "en": "Communes meeting the standard in {year}, expected",
    },
    "col.interval80": {"vi": "Khoảng dự báo 80%", "en": "80% forecast interval"},
    "col.interval95": {"vi": "Khoảng dự báo 95%", "en": "95% forecast interval"},
    "col.now": {"vi": "Hiện nay", "en": "Now"},
    "col.status": {"vi": "Đánh giá tiến độ", "en": "Progress"},
    "col.share_missing": {
        "vi": "Tỷ lệ xã gần đạt chuẩn còn thiếu tiêu chí",
        "en": "Share of near-standard communes missing the criterion",
    },
    # --- progress statuses (always shown as text, never as colour alone) --------------------
    "status.on_track": {"vi": "Đúng tiến độ", "en": "On track"},
    "status.needs_acceleration": {"vi": "Cần đẩy nhanh", "en": "Needs acceleration"},
    "status.off_track": {"vi": "Không đạt tiến độ", "en": "Off track"},
    "status.regressing": {"vi": "Đang giảm sút", "en": "Regressing"},
    # [w2report] a probability whose Monte Carlo 80% interval holds a verdict threshold: the
    # badge is neutral and says so (results.displayed_status)
    "status.close_to_threshold": {
        "vi": "Sát ngưỡng đánh giá: chưa kết luận",
        "en": "Close to a verdict threshold: not settled",
    },
    # --- probability words (bands documented in probability_words) ---------------------------
    "prob.almost_certain": {"vi": "gần như chắc chắn", "en": "almost certain"},
    "prob.very_likely": {"vi": "rất có khả năng", "en": "very likely"},
    "prob.likely": {"vi": "có khả năng", "en": "likely"},
    "prob.as_likely_as_not": {"vi": "khả năng ngang nhau", "en": "about as likely as not"},
    "prob.unlikely": {"vi": "khó xảy ra", "en": "unlikely"},
    "prob.very_unlikely": {"vi": "rất khó xảy ra", "en": "very unlikely"},
    "prob.almost_impossible": {"vi": "gần như không thể", "en": "almost impossible"},
    # --- headline sentences ------------------------------------------------------------------
    "headline.probability": {
        "vi": "Khả năng có ít nhất {target} xã đạt chuẩn NTM vào năm {year}: {prob} ({words}). "
        "Dự báo trung bình: {expected} xã (khoảng {level}%: {lo}–{hi}).",
        "en": "Probability of reaching {target} NTM communes by {year}: {prob} ({words}). "
        "Expected: {expected} communes ({level}% interval {lo}–{hi}).",
    },
    "headline.current": {
        "vi": "Năm {year}: {n_ntm}/{n_communes} xã đạt chuẩn NTM ({share}).",
        "en": "{year}: {n_ntm} of {n_communes} communes meet the NTM standard ({share}).",
    },
    "headline.expected_only": {
        "vi": "Dự báo năm {year}: trung bình {expected} xã đạt chuẩn NTM (khoảng {level}%: "
        "{lo}–{hi}).",
        "en": "Forecast for {year}: {expected} communes meeting the NTM standard expected "
        "({level}% interval {lo}–{hi}).",
    },
    "headline.all_met": {
        "vi": "Cả {n} xã đều đã đạt chuẩn NTM (năm {as_of}). Dự báo năm {year}: trung bình "
        "{expected} xã (khoảng {level}%: {lo}–{hi}); cả {n} xã vẫn đạt chuẩn trong {keep} số "
        "lần mô phỏng.",
        "en": "All {n} communes already meet the NTM standard ({as_of}). Forecast for {year}: "
        "{expected} expected ({level}% interval {lo}–{hi}); all {n} still meet it in {keep} of the "
        "simulations.",
    },
    "headline.all_met_below": {
        "vi": "Cả {n} xã đều đã đạt chuẩn NTM (năm {as_of}). Mô hình cho phép một xã mất tiêu "
        "chí khi được đánh giá lại, nên số xã đạt chuẩn dự báo năm {year} trung bình là "
        "{expected} (khoảng {level}%: {lo}–{hi}), hơi dưới {n}: cả {n} xã vẫn đạt chuẩn trong "
        "{keep} số lần mô phỏng.",
        "en": "All {n} communes already meet the NTM standard ({as_of}). The model allows a "
        "commune to lose a criterion at re-assessment, so the expected count in {year} is "
        "{expected} ({level}% interval {lo}–{hi}), slightly below {n}: all {n} still meet it in "
        "{keep} of the simulations.",
    },
    "headline.mean_criteria": {
        "vi": "Số tiêu chí đạt bình quân/xã: khả năng đạt mục tiêu {target} vào năm {year} là "
        "{prob} ({words}); dự báo trung bình {expected} (năm {as_of}: {now}).",
        "en": "Average criteria met per commune: the probability of reaching the target of "
        "{target} by {year} is {prob} ({words}); expected {expected} ({as_of}: {now}).",
    },
    "headline.already_met": {
        "vi": "Đã đạt mục tiêu {target} xã đạt chuẩn NTM (năm {year}: {n_ntm} xã).",
        "en": "The target of {target} NTM communes is already reached ({year}: {n_ntm}).",
    },
    # --- forecast you can defend (issue 13): caveats beside the headline, plan, new terms ---
    "headline.close_to_threshold": {
        "vi": "Kết quả sát ngưỡng {threshold}: với sai số mô phỏng ±{se} điểm phần trăm, "
        "chưa thể kết luận chắc chắn về tiến độ.",
        "en": "This is close to the {threshold} threshold: with a simulation error of ±{se} "
        "percentage points the verdict is not settled.",
    },
    "headline.trend_dependence": {
        "vi": "Nếu giữ xu thế thời gian: {with_trend}; nếu không có xu thế: {without_trend} "
        "(trọng số dữ liệu dành cho xu thế: {weight}).",
        "en": "With the time trend: {with_trend}; without it: {without_trend} (weight the "
        "data give the trend: {weight}).",
    },
    "headline.thin_panel": {
        "vi": "Dữ liệu chỉ có {n} lần chuyển năm: xu thế và biến động theo năm dựa nhiều vào "
        "giả định, nên khoảng dự báo rộng hơn.",
        "en": "The data hold only {n} year-to-year transition(s): the trend and the "
        "year-to-year variation rest mostly on assumptions, so the intervals are wider.",
    },
    "headline.gap_years": {
        "vi": "Dữ liệu thiếu năm giữa {years}: thay đổi qua khoảng trống này không được dùng "
        "để ước lượng mô hình.",
        "en": "The data miss the year(s) between {years}: the change across this gap is not "
        "used to fit the model.",
    },
    "headline.plan": {
        "vi": "Khả năng đạt kế hoạch năm {year} ({plan} xã): {prob}.",
        "en": "Probability of meeting the {year} plan ({plan} communes): {prob}.",
    },
    "method.plan": {"vi": "Kế hoạch như dự báo", "en": "Plan as forecast"},
    "method.inline.plan": {"vi": "kế hoạch của tỉnh", "en": "the plan"},
    "report.coef.close_11": {"vi": "Bước tăng từ 11 tiêu chí", "en": "Step from 11 criteria"},
    "report.coef.close_12": {"vi": "Bước tăng từ 12 tiêu chí", "en": "Step from 12 criteria"},
    "report.coef.close_13": {"vi": "Bước tăng từ 13 tiêu chí", "en": "Step from 13 criteria"},
    "report.coef.close_14": {"vi": "Bước tăng từ 14 tiêu chí", "en": "Step from 14 criteria"},
    "report.coef.close_16": {"vi": "Bước tăng từ 16 tiêu chí", "en": "Step from 16 criteria"},
    "report.coef.close_17": {"vi": "Bước tăng từ 17 tiêu chí", "en": "Step from 17 criteria"},
    "report.coef.level": {
        "vi": "Số tiêu chí đạt ở năm đầu của dữ liệu (so với 10)",
        "en": "Criteria met in the data's first year (relative to 10)",
    },
    "report.coef.registered": {
        "vi": "Xã đăng ký đạt chuẩn trong năm",
        "en": "Registered to reach the standard that year",
    },
    "headline.registered_scenario": {
        "vi": "Danh sách đăng ký chưa ước lượng được từ lịch sử: tác động của việc đăng ký "
        "chỉ là một kịch bản giả định.",
        "en": "The registration list cannot be estimated from history: the effect of "
        "registration is an assumed scenario only.",
    },
    # --- charts: shared ----------------------------------------------------------------------
    "chart.target_label": {"vi": "Mục tiêu: {value} ({year})", "en": "Target: {value} ({year})"},
    "chart.target_label_noyear": {"vi": "Mục tiêu: {value}", "en": "Target: {value}"},
    "axis.year": {"vi": "Năm", "en": "Year"},
    "legend.target": {"vi": "Mục tiêu", "en": "Target"},
    # --- charts: heatmap ---------------------------------------------------------------------
    "chart.heatmap.title": {
        "vi": "Kết quả thực hiện 19 tiêu chí theo từng xã",
        "en": "The 19 criteria, commune by commune",
    },
    "chart.heatmap.count_header": {"vi": "Số TC đạt", "en": "Met"},
    "axis.criterion": {"vi": "Tiêu chí (theo nhóm I–V)", "en": "Criterion (groups I–V)"},
    "axis.commune": {
        "vi": "Xã (xếp theo số tiêu chí đạt)",
        "en": "Commune (sorted by criteria met)",
    },
    "legend.met": {"vi": "Đạt", "en": "Met"},
    "legend.not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "group.label": {"vi": "Nhóm {group}: {name}", "en": "Group {group}: {name}"},
    # --- charts: trend -----------------------------------------------------------------------
    "chart.trend.title": {"vi": "{measure} qua các năm", "en": "{measure} by year"},
    # --- charts: fan -------------------------------------------------------------------------
    "chart.fan.title": {
        "vi": "Số xã đạt chuẩn NTM: thực tế và dự báo",
        "en": "Communes meeting the NTM standard: observed and forecast",
    },
    "legend.observed": {"vi": "Thực tế", "en": "Observed"},
    "legend.mean": {"vi": "Dự báo (trung bình)", "en": "Forecast (expected)"},
    # --- charts: district comparison ---------------------------------------------------------
    "chart.district.title": {
        "vi": "Các huyện: số xã đạt chuẩn hiện nay và dự báo",
        "en": "Districts: communes meeting the standard now and forecast",
    },
    "chart.district.numbers_header": {
        "vi": "Hiện nay → dự báo\ntrung bình (khoảng 80%)",
        "en": "Now → expected\n(80% interval)",
    },
    "legend.now": {"vi": "Hiện nay (thực tế)", "en": "Now (observed)"},
    "legend.now_year": {"vi": "Năm {year} (thực tế)", "en": "{year} (observed)"},
    "legend.expected": {
        "vi": "Năm mục tiêu (dự báo trung bình, khoảng 80%)",
        "en": "Target year (expected, 80% interval)",
    },
    "legend.expected_year": {
        "vi": "Năm {year} (dự báo trung bình, khoảng 80%)",
        "en": "{year} (expected, 80% interval)",
    },
    # --- charts: bottlenecks -----------------------------------------------------------------
    "chart.bottleneck.title": {
        "vi": "Tiêu chí còn thiếu ở các xã gần đạt chuẩn (đạt 15–18 tiêu chí)",
        "en": "Criteria still missing in near-standard communes (15–18 met)",
    },
    # --- charts: pace ------------------------------------------------------------------------
    "chart.pace.title": {
        "vi": "Tốc độ cần thiết và tốc độ gần đây (đường thẳng)",
        "en": "Pace needed and recent pace (straight-line check)",
    },
    "chart.pace.required": {"vi": "Cần đạt mỗi năm", "en": "Needed per year"},
    "chart.pace.observed": {"vi": "Thực tế bình quân", "en": "Observed average"},
    "axis.communes_per_year": {
        "vi": "Số xã đạt chuẩn thêm mỗi năm",
        "en": "Communes reaching the standard per year",
    },
    "chart.pace.ratio": {
        "vi": "Tốc độ thực tế bằng {ratio} tốc độ cần thiết.",
        "en": "The observed pace is {ratio} of the pace needed.",
    },
    "chart.pace.value": {"vi": "{value} xã/năm", "en": "{value} communes/year"},
    "chart.pace.already_met": {
        "vi": "Đã đạt mục tiêu: không cần thêm xã.",
        "en": "Target already reached: no more communes needed.",
    },
    # --- command line ------------------------------------------------------------------------
    "cli.synthetic_warning": {
        "vi": "Lưu ý: đây là dữ liệu mô phỏng, không phải số liệu thật.",
        "en": "Note: this is synthetic data, not real figures.",
    },
    "cli.error": {"vi": "Lỗi: {message}", "en": "error: {message}"},
    "cli.validate.ok": {"vi": "Hợp lệ: {summary}", "en": "OK: {summary}"},
    "cli.backtest.origins": {
        "vi": "Dự báo thử từ các năm gốc: {origins}",
        "en": "Forecasts made from the years: {origins}",
    },
    "cli.col.figure": {"vi": "Chỉ tiêu", "en": "Figure"},
    "cli.col.level": {"vi": "Cấp", "en": "Level"},
    "cli.col.mean": {"vi": "Trung bình", "en": "Mean"},
    "cli.col.coverage80": {
        "vi": "Tỷ lệ rơi vào khoảng 80%",
        "en": "Share inside the 80% interval",
    },
    "cli.col.coverage95": {
        "vi": "Tỷ lệ rơi vào khoảng 95%",
        "en": "Share inside the 95% interval",
    },
    "cli.col.mae": {"vi": "Sai số tuyệt đối trung bình", "en": "Mean absolute error"},
    "cli.col.brier": {
        "vi": "Điểm Brier (càng nhỏ càng tốt)",
        "en": "Brier score (lower is better)",
    },
    "cli.boost.bad": {
        "vi": "--boost cần dạng TC:HỆ_SỐ (TC là số thứ tự tiêu chí), ví dụ 10:1,5; nhận được "
        "{item}",
        "en": "--boost expects C:ODDS (C the criterion number) such as 10:1.5, got {item}",
    },
    "cli.district_target.bad": {
        "vi": "--district-target cần dạng TÊN=SỐ_XÃ; nhận được {item}",
        "en": "--district-target expects NAME=COUNT, got {item}",
    },
    "cli.scenario.unreadable": {
        "vi": "--scenario: không đọc được {path}: {reason}",
        "en": "--scenario: cannot read {path}: {reason}",
    },
    "cli.scenario.not_json": {
        "vi": "--scenario phải là một đối tượng JSON: {reason}",
        "en": "--scenario must be a JSON object: {reason}",
    },
    "cli.scenario.not_object": {
        "vi": "--scenario phải là một đối tượng JSON, ví dụ {example}",
        "en": "--scenario must be a JSON object such as {example}",
    },
    # --- what changed since the last report (issue 15) ---------------------------------------
    "cli.help.compare_with": {
        "vi": "so sánh với các dự báo trong thư mục kết quả này của một lần chạy trước (mặc "
        "định: lần chạy trước trong --out)",
        "en": "compare with the forecasts in this output folder of an earlier run (default: "
        "the last run in --out)",
    },
    "changes.title": {
        "vi": "Thay đổi so với lần báo cáo trước",
        "en": "Changes since the last report",
    },
    "changes.intro": {
        "vi": "So với lần chạy {run} ({when}): dự báo trước, điều đã quan sát được từ đó, dự "
        "báo mới và lý do thay đổi.",
        "en": "Against run {run} ({when}): the last forecast, what was observed since, the new "
        "forecast and why it changed.",
    },
    "changes.col.before": {"vi": "Dự báo trước", "en": "Last forecast"},
    "changes.col.observed": {"vi": "Đã quan sát từ đó", "en": "Observed since"},
    "changes.col.after": {"vi": "Dự báo mới", "en": "New forecast"},
    "changes.col.reasons": {"vi": "Lý do thay đổi", "en": "Why it changed"},
    "changes.forecast": {
        "vi": "năm {year}: {expected} xã ({range})",
        "en": "{year}: {expected} communes ({range})",
    },
    "changes.probability": {
        "vi": "khả năng {prob} có ít nhất {target} xã",
        "en": "{prob} chance of {target} or more",
    },
    "changes.observed": {
        "vi": "năm {year}: {n} xã đạt chuẩn",
        "en": "{year}: {n} communes meet the standard",
    },
    "changes.observed_vs": {
        "vi": "năm {year}: {n} xã đạt chuẩn (lần trước dự báo {expected}, {range})",
        "en": "{year}: {n} communes meet the standard (forecast {expected}, {range})",
    },
    "changes.range95": {"vi": "{range}, khoảng 95%", "en": "{range}, 95% interval"},
    "changes.outside": {
        "vi": " — nằm ngoài khoảng dự báo",
        "en": " — outside the forecast range",
    },
    "changes.no_new_year": {"vi": "chưa có năm số liệu mới", "en": "no new data year"},
    "changes.reason.new_year": {
        "vi": "có thêm số liệu năm {years}",
        "en": "new data for {years}",
    },
    "changes.reason.data": {
        "vi": "số liệu các năm cũ đã được sửa",
        "en": "the data of earlier years was corrected",
    },
    "changes.reason.model": {
        "vi": "mô hình (mã nguồn) đã thay đổi: phiên bản {old} → {new}",
        "en": "the model (its code) changed: version {old} → {new}",
    },
    "changes.reason.target": {"vi": "mục tiêu đổi: {old} → {new}", "en": "target: {old} → {new}"},
    "changes.target": {"vi": "{target} xã năm {year}", "en": "{target} by {year}"},
    "changes.no_target": {"vi": "chưa giao (năm {year})", "en": "none ({year})"},
    "changes.reason.settings": {
        "vi": "thông số mô phỏng hoặc kịch bản đã đổi",
        "en": "the simulation settings or scenario changed",
    },
    "changes.reason.none": {
        "vi": "số liệu, mô hình và mục tiêu không đổi; chênh lệch (nếu có) chỉ do mô phỏng "
        "ngẫu nhiên",
        "en": "same data, model and target; any difference is the simulation's randomness",
    },
    # --- district targets: template, index verdicts, ntm targets (issue 15) -----------------
    "cli.help.district_targets": {
        "vi": "tệp mục tiêu của các huyện (CSV: district, year, target), tạo mẫu bằng "
        "`ntm targets --template` rồi điền cột target; dùng các dòng của năm --year",
        "en": "the districts' targets file (CSV: district, year, target): make the template "
        "with `ntm targets --template` and fill in the target column; rows of --year are used",
    },
    "cli.help.cmd.targets": {
        "vi": "Các mục tiêu kế hoạch đang dùng; --template: tạo tệp mẫu mục tiêu của huyện.",
        "en": "The plan targets in use; --template: write a district targets file to fill in.",
    },
    "cli.help.template": {
        "vi": "ghi tệp mẫu mục tiêu của các huyện (mặc định {default}); không ghi đè tệp đã có",
        "en": "write the district targets template (default {default}); never overwrites a file",
    },
    "cli.help.template_year": {
        "vi": "năm của mục tiêu trong tệp mẫu (dùng nhiều lần được; mặc định: năm kế hoạch "
        "tới và 2020)",
        "en": "a target year of the template (repeatable; default: next year and 2020)",
    },
    "cli.targets.template_written": {
        "vi": "Đã ghi tệp mẫu {path}: {n} huyện, năm {years}. Điền số xã đạt chuẩn vào cột "
        "target (để trống nếu huyện chưa có mục tiêu), rồi chạy: ntm batch --district-targets "
        "{path}",
        "en": "Wrote the template {path}: {n} districts, years {years}. Fill in the target "
        "column with the number of communes meeting the standard (blank: no target), then run: "
        "ntm batch --district-targets {path}",
    },
    "cli.targets.row": {
        "vi": "{year} · {unit} · {indicator}: {value} ({official})",
        "en": "{year} · {unit} · {indicator}: {value} ({official})",
    },
    "cli.targets.official": {"vi": "chỉ tiêu chính thức", "en": "official"},
    "cli.targets.own": {"vi": "không ghi là chính thức", "en": "not marked official"},
    "cli.targets.indicator.n_ntm": {
        "vi": "số xã đạt chuẩn NTM",
        "en": "communes meeting the NTM standard",
    },
    "cli.targets.indicator.n_ntm_change": {
        "vi": "số xã đạt chuẩn thêm trong năm",
        "en": "more communes meeting the standard in the year",
    },
    "cli.targets.indicator.mean_criteria": {
        "vi": "số tiêu chí đạt bình quân/xã",
        "en": "average criteria met per commune",
    },
    "cli.targets.indicator.n_below_5_change": {
        "vi": "thay đổi số xã đạt dưới 5 tiêu chí",
        "en": "change in communes below 5 criteria",
    },
    "cli.targets.hint": {
        "vi": "Mục tiêu của từng huyện: ntm targets --template, điền tệp, rồi ntm batch "
        "--district-targets TỆP.",
        "en": "Targets for each district: ntm targets --template, fill in the file, then ntm "
        "batch --district-targets FILE.",
    },
    "index.col.target": {
        "vi": "Mục tiêu của huyện năm {year} · khả năng đạt",
        "en": "District target for {year} · probability",
    },
    "index.col.contribution": {
        "vi": "Đóng góp dự kiến vào kế hoạch của tỉnh năm {year}",
        "en": "Expected contribution to the province plan for {year}",
    },
    "index.contribution": {"vi": "{share} của {target} xã", "en": "{share} of {target}"},
    "index.target_reached": {"vi": "đã đạt", "en": "reached"},
    "index.note_districts": {
        "vi": "Chưa có mục tiêu riêng cho từng huyện (kế hoạch của tỉnh không chia theo huyện): "
        "bảng nêu số xã dự báo đạt chuẩn của mỗi huyện và phần đóng góp dự kiến vào mục tiêu "
        "của tỉnh. Để có đánh giá cho từng huyện: ntm targets --template, điền mục tiêu, rồi "
        "chạy lại với --district-targets.",
        "en": "No district has a target of its own (the province plan is not split by "
        "district): the table shows each district's forecast and its expected contribution to "
        "the province target. For a verdict per district: ntm targets --template, fill in the "
        "targets, and run again with --district-targets.",
    },
    "index.note_with_targets": {
        "vi": "Mục tiêu của huyện do người dùng nhập (tệp --district-targets hoặc "
        "--district-target), không phải chỉ tiêu chính thức trừ khi tệp mục tiêu ghi như vậy.",
        "en": "District targets are the user's (--district-targets file or --district-target), "
        "not official unless the targets file says so.",
    },
    # --- command line: argparse's errors, placeholders, value kinds, exits (issue 15) ------
    "cli.argparse.argument": {
        "vi": "tùy chọn %(argument_name)s: %(message)s",
        "en": "argument %(argument_name)s: %(message)s",
    },
    "cli.argparse.unrecognized": {
        "vi": "không hiểu các tham số: %s",
        "en": "unrecognized arguments: %s",
    },
    "cli.argparse.required": {
        "vi": "còn thiếu: %s",
        "en": "the following arguments are required: %s",
    },
    "cli.argparse.one_required": {
        "vi": "cần một trong các tùy chọn %s",
        "en": "one of the arguments %s is required",
    },
    "cli.argparse.not_allowed": {
        "vi": "không dùng được cùng với %s",
        "en": "not allowed with argument %s",
    },
    "cli.argparse.ignored": {
        "vi": "giá trị %r bị bỏ qua (tùy chọn này không nhận giá trị)",
        "en": "ignored explicit argument %r",
    },
    "cli.argparse.one": {"vi": "cần một giá trị", "en": "expected one argument"},
    "cli.argparse.at_most_one": {
        "vi": "chỉ nhận nhiều nhất một giá trị",
        "en": "expected at most one argument",
    },
    "cli.argparse.at_least_one": {
        "vi": "cần ít nhất một giá trị",
        "en": "expected at least one argument",
    },
    "cli.argparse.n": {"vi": "cần %s giá trị", "en": "expected %s arguments"},
    "cli.argparse.ambiguous": {
        "vi": "tùy chọn %(option)s chưa rõ, có thể là %(matches)s",
        "en": "ambiguous option: %(option)s could match %(matches)s",
    },
    "cli.argparse.invalid_value": {
        "vi": "không đọc được %(value)r: cần một %(type)s",
        "en": "invalid %(type)s value: %(value)r",
    },
    "cli.argparse.invalid_choice": {
        "vi": "không có lựa chọn %(value)r; chọn một trong %(choices)s",
        "en": "invalid choice: %(value)r (choose from %(choices)s)",
    },
    "cli.argparse.unexpected": {
        "vi": "không chờ tùy chọn %s ở đây",
        "en": "unexpected option string: %s",
    },
    "cli.type.integer": {"vi": "số nguyên", "en": "integer"},
    "cli.type.number": {"vi": "số (ví dụ 1,5 hoặc 1.5)", "en": "number"},
    "cli.metavar.command": {"vi": "LỆNH", "en": "COMMAND"},
    "cli.metavar.file": {"vi": "TỆP", "en": "FILE"},
    "cli.metavar.folder": {"vi": "THƯ_MỤC", "en": "FOLDER"},
    "cli.metavar.sheet": {"vi": "TRANG_TÍNH", "en": "SHEET"},
    "cli.metavar.year": {"vi": "NĂM", "en": "YEAR"},
    "cli.metavar.count": {"vi": "SỐ", "en": "N"},
    "cli.metavar.seconds": {"vi": "GIÂY", "en": "SECONDS"},
    "cli.metavar.name": {"vi": "TÊN", "en": "NAME"},
    "cli.metavar.name_count": {"vi": "TÊN=SỐ_XÃ", "en": "NAME=COUNT"},
    "cli.metavar.criterion_odds": {"vi": "TC:HỆ_SỐ", "en": "C:FACTOR"},
    "cli.metavar.commune": {"vi": "MÃ_HOẶC_TÊN_XÃ", "en": "CODE_OR_NAME"},
    "cli.metavar.json": {"vi": "JSON", "en": "JSON"},
    "cli.metavar.address": {"vi": "ĐỊA_CHỈ", "en": "ADDRESS"},
    "cli.metavar.date": {"vi": "NĂM-THÁNG-NGÀY", "en": "YYYY-MM-DD"},
    "cli.metavar.unit": {"vi": "TÊN_HOẶC_MÃ", "en": "NAME_OR_CODE"},
    "cli.priority.ambiguous": {
        "vi": "--priority: có nhiều xã tên '{item}'; hãy ghi mã xã: {choices}",
        "en": "--priority: several communes are called '{item}'; give the code: {choices}",
    },
    "cli.target.impossible": {
        "vi": "--target {target}: không thể đạt, {unit} có {n} xã",
        "en": "--target {target}: impossible, {unit} has {n} communes",
    },
    "cli.interrupted": {
        "vi": "Đã dừng theo yêu cầu (Ctrl-C). Các tệp đã ghi xong vẫn giữ nguyên.",
        "en": "Stopped on request (Ctrl-C). Files already finished are kept.",
    },
    "cli.os_error": {
        "vi": "không đọc hoặc ghi được {path}: {reason}",
        "en": "cannot read or write {path}: {reason}",
    },
    "cli.progress": {"vi": "Đang lập báo cáo", "en": "Making reports"},
    "cli.progress.unit": {"vi": "báo cáo", "en": "report"},
    # --- command line: argparse's own words and the help of every option -------------------
    "cli.usage": {"vi": "Cách dùng: ", "en": "usage: "},
    "cli.options": {"vi": "tùy chọn", "en": "options"},
    "cli.positionals": {"vi": "tham số", "en": "positional arguments"},
    "cli.commands": {"vi": "lệnh", "en": "commands"},
    "cli.help.help": {"vi": "hiện hướng dẫn này rồi thoát", "en": "show this help and exit"},
    "cli.help.version": {"vi": "hiện phiên bản rồi thoát", "en": "show the version and exit"},
    "cli.help.program": {
        "vi": "Phân tích Chương trình xây dựng nông thôn mới: các xã đang ở đâu, tỉnh và các "
        "huyện có đạt mục tiêu không.",
        "en": "New Rural Development (Nông thôn mới) analysis: where communes stand, and "
        "whether the province and its districts will reach their targets.",
    },
    "cli.help.cmd.summary": {
        "vi": "Hiện trạng của tỉnh hoặc từng huyện trong một năm.",
        "en": "Where the province or each district stands in a year.",
    },
    "cli.help.cmd.validate": {
        "vi": "Kiểm tra một tệp dữ liệu và liệt kê mọi lỗi tìm thấy.",
        "en": "Check a data file and list every problem found.",
    },
    "cli.help.cmd.forecast": {
        "vi": "Khả năng đạt một mục tiêu, kèm khoảng dự báo.",
        "en": "Probability of reaching a target, with intervals.",
    },
    "cli.help.cmd.backtest": {
        "vi": "Chấm điểm mô hình và các phương pháp đơn giản trên số liệu các năm trước.",
        "en": "Score the model and baselines on past years.",
    },
    "cli.help.cmd.batch": {
        "vi": "Báo cáo cho tỉnh và mọi huyện: sổ tính Jupyter, HTML, PDF, số liệu JSON, "
        "index.html và manifest.json.",
        "en": "Reports for the province and every district: notebooks, HTML, PDF, JSON "
        "results, index.html and manifest.json.",
    },
    "cli.help.cmd.run": {
        "vi": "Báo cáo của một huyện (không có --district: báo cáo tổng quan của tỉnh), như "
        "trong lệnh batch.",
        "en": "The report of one district (or, without --district, the province overview), "
        "as in the batch.",
    },
    # --- notebooks out of the package (ntm notebooks, --notebooks) --------------------------
    "cli.help.cmd.notebooks": {
        "vi": "Chép các sổ tính Jupyter mẫu ra một thư mục để mở trong JupyterLab.",
        "en": "Copy the notebook templates to DEST to open them in JupyterLab.",
    },
    "cli.help.notebooks_dest": {
        "vi": "thư mục nhận các sổ tính Jupyter (tạo mới nếu chưa có)",
        "en": "folder to copy the notebooks to (created if missing)",
    },
    "cli.help.notebooks_force": {
        "vi": "ghi đè sổ tính đã có và đã sửa trong thư mục đó",
        "en": "overwrite notebooks already in DEST that differ",
    },
    "cli.help.notebooks_dir": {
        "vi": "thư mục chứa sổ tính mẫu của bạn (cùng tên tệp như các sổ tính đi kèm: "
        "province_overview.ipynb, district_forecast.ipynb)",
        "en": "folder holding your own report templates (named as the bundled ones: "
        "province_overview.ipynb, district_forecast.ipynb; copy them with: ntm notebooks DIR)",
    },
    "cli.notebooks.copied": {
        "vi": "Đã chép các sổ tính Jupyter vào {dest}. Mở bằng: jupyter lab {dest} "
        "(với tài khoản root: jupyter lab --allow-root {dest})",
        "en": "Notebooks copied to {dest}. Open them with: jupyter lab {dest} "
        "(as root: jupyter lab --allow-root {dest})",
    },
    "cli.help.data": {
        "vi": "tệp dữ liệu (CSV, XLSX hoặc Parquet); mặc định: dữ liệu mô phỏng kèm theo",
        "en": "panel file (CSV, XLSX or Parquet); default: the bundled synthetic data",
    },
    "cli.help.units": {
        "vi": "danh mục đơn vị hành chính của tỉnh, để tra tên huyện (mặc định: Lạng Sơn 2017)",
        "en": "units file of the province, to resolve district names (default: Lạng Sơn 2017)",
    },
    "cli.help.lang": {
        "vi": "ngôn ngữ: vi (tiếng Việt) hoặc en (tiếng Anh); mặc định lấy từ biến môi trường "
        "NTM_LANG, không có thì vi",
        "en": "language: vi (Vietnamese) or en (English); default from the NTM_LANG "
        "environment variable, else vi",
    },
    "cli.help.by": {"vi": "theo tỉnh hoặc theo huyện", "en": "by province or by district"},
    "cli.help.summary_year": {
        "vi": "năm cần xem (mặc định: năm mới nhất trong dữ liệu)",
        "en": "year to show (default: the latest in the data)",
    },
    "cli.help.json": {"vi": "in kết quả dạng JSON", "en": "print JSON"},
    "cli.help.path": {
        "vi": "tệp cần kiểm tra (CSV, XLSX hoặc Parquet)",
        "en": "the file to check (CSV, XLSX or Parquet)",
    },
    "cli.help.sheet": {
        "vi": "tên trang tính XLSX (mặc định: trang đầu tiên có dòng tiêu đề)",
        "en": "XLSX sheet name (default: the first with a header)",
    },
    "cli.help.communes": {
        "vi": "danh sách xã chính thức để đối chiếu tệp",
        "en": "official list of communes to check the file against",
    },
    "cli.help.district": {
        "vi": "tên huyện hoặc mã GSO (mặc định: cả tỉnh)",
        "en": "district name or GSO code (default: the whole province)",
    },
    "cli.help.forecast_target": {
        "vi": "số xã đạt chuẩn theo mục tiêu (mặc định: mục tiêu kế hoạch của tỉnh trong tệp mục "
        "tiêu)",
        "en": "communes meeting the standard to reach (default: the province plan target "
        "from the targets file)",
    },
    "cli.help.year": {
        "vi": "năm mục tiêu (mặc định {default})",
        "en": "target year (default {default})",
    },
    "cli.help.as_of": {
        "vi": "năm cuối của dữ liệu được dùng (mặc định: năm mới nhất)",
        "en": "last year of data to use (default: latest)",
    },
    "cli.help.draws": {
        "vi": "số lần mô phỏng Monte Carlo (mặc định {default})",
        "en": "Monte Carlo draws (default {default})",
    },
    "cli.help.seed": {
        "vi": "giá trị khởi tạo ngẫu nhiên (mặc định {default})",
        "en": "random seed (default {default})",
    },
    "cli.help.targets": {
        "vi": "tệp mục tiêu (mặc định: mục tiêu kế hoạch kèm theo)",
        "en": "targets file (default: the bundled plan targets)",
    },
    "cli.help.registrations": {
        "vi": "danh sách xã đăng ký đạt chuẩn NTM theo năm: tệp CSV với cột year, commune_code "
        "(ước lượng tác động của việc đăng ký nếu lịch sử cho thấy, nếu không là kịch bản)",
        "en": "communes registered to reach the NTM standard each year: CSV with columns year, "
        "commune_code (their push is estimated where history shows it, else a scenario)",
    },
    "cli.help.no_trend": {
        "vi": "ước lượng không có xu thế thời gian",
        "en": "fit without the time trend",
    },
    "cli.help.boost": {
        "vi": "kịch bản: nhân tỷ số chênh đạt thêm tiêu chí C mỗi năm, ví dụ 10:1,5 (hoặc 10:1.5)",
        "en": "scenario: multiply the yearly odds of gaining criterion C, e.g. 10:1.5",
    },
    "cli.help.priority": {
        "vi": "kịch bản: các xã được ưu tiên, theo mã hoặc tên (tỷ số chênh đạt thêm tiêu chí "
        "nhân đôi)",
        "en": "scenario: communes to prioritise, by code or name (gain odds doubled)",
    },
    "cli.help.forecast_out": {
        "vi": "ghi thêm result.json và các bảng dự báo (Parquet) vào thư mục này",
        "en": "also write result.json and the forecast tables (Parquet) here",
    },
    "cli.help.backtest_draws_origin": {
        "vi": "số lần mô phỏng cho mỗi năm gốc (mặc định {default})",
        "en": "draws per origin (default {default})",
    },
    "cli.help.out": {
        "vi": "thư mục kết quả (mặc định: {default}/)",
        "en": "output folder (default: {default}/)",
    },
    "cli.help.pdf": {
        "vi": "in thêm mỗi báo cáo ra PDF bằng Chromium của máy (mặc định: khi máy đã cài "
        "Chromium)",
        "en": "also print each report to PDF with the machine's Chromium (default: when "
        "Chromium is installed)",
    },
    "cli.help.batch_target": {
        "vi": "mục tiêu riêng của tỉnh: số xã đạt chuẩn đến năm --year (mặc định: số trong tệp "
        "mục tiêu, ghi là chính thức khi tệp ghi như vậy)",
        "en": "your own province target: communes meeting the standard by --year (default: "
        "the targets file's figure for --year, shown as official when the file says so)",
    },
    "cli.help.district_target": {
        "vi": "mục tiêu riêng của một huyện: số xã đạt chuẩn đến năm --year, ví dụ "
        '"Tràng Định=8" (dùng nhiều lần được; thắng giá trị trong --district-targets). Công cụ '
        "không bao giờ tự chia mục tiêu của tỉnh",
        "en": "a district's own target: communes meeting the standard by --year, e.g. "
        '"Tràng Định=8" (repeatable; wins over --district-targets). The tool never splits '
        "the province target itself",
    },
    "cli.help.scenario": {
        "vi": "kịch bản dạng JSON hoặc @TỆP, ví dụ {example}",
        "en": "scenario as JSON or @FILE, e.g. {example}",
    },
    "cli.help.backtest_draws": {
        "vi": "số lần mô phỏng cho mỗi năm gốc khi kiểm định, 0 để bỏ qua (mặc định {default})",
        "en": "draws per backtest origin, 0 to skip (default {default})",
    },
    "cli.help.timeout": {
        "vi": "số giây tối đa cho một sổ tính, quá thì dừng và ghi là lỗi (mặc định {default})",
        "en": "seconds one notebook may run before it is stopped and reported as failed "
        "(default {default})",
    },
    "cli.help.resume": {
        "vi": "chỉ chạy lại các báo cáo còn thiếu hoặc đã cũ",
        "en": "re-run only reports that are missing or out of date",
    },
    "cli.help.cache": {
        "vi": "thư mục lưu kết quả dự báo dùng chung (mặc định: OUT/.cache)",
        "en": "forecast cache folder (default: OUT/.cache)",
    },
    "cli.help.no_progress": {"vi": "không hiện thanh tiến độ", "en": "no progress bar"},
    "cli.help.dry_run": {
        "vi": "chỉ kiểm tra tham số và liệt kê các báo cáo sẽ chạy",
        "en": "check the parameters and list the reports that would run",
    },
    "cli.help.districts": {
        "vi": "tên huyện hoặc mã GSO (mặc định: mọi huyện)",
        "en": "district names or GSO codes (default: every district)",
    },
    "cli.help.no_province": {
        "vi": "bỏ báo cáo tổng quan của tỉnh",
        "en": "skip the province overview",
    },
    "cli.help.workers": {
        "vi": "số sổ tính chạy cùng lúc (mặc định: số lõi CPU)",
        "en": "notebooks run at once (default: the number of CPUs)",
    },
    "cli.help.dask": {
        "vi": "chạy các sổ tính trên bộ điều phối Dask này (cần ntm-analysis[dask]). Các máy "
        "trạm phải thấy các tệp của máy này ở cùng đường dẫn tuyệt đối (hệ thống tệp dùng "
        "chung): dữ liệu, danh mục đơn vị, sổ tính, thư mục kết quả và bộ nhớ đệm; điều này "
        "được kiểm tra trước khi chạy",
        "en": "run the notebooks on this Dask scheduler (needs ntm-analysis[dask]). The "
        "workers must see this machine's files at the same absolute paths (a shared "
        "filesystem): the data, the units file, the notebooks, the output and cache folders; "
        "this is checked before anything runs",
    },
    "cli.help.run_district": {
        "vi": "tên huyện hoặc mã GSO (mặc định: báo cáo của tỉnh)",
        "en": "district name or GSO code (default: the province)",
    },
    # =========================================================================================
    # The interactive explorer (explorer.py, explorer_ui.py, `ntm explore`)
    # =========================================================================================
    "explore.title": {
        "vi": "Khám phá số liệu nông thôn mới",
        "en": "Explore the New Rural Development data",
    },
    "explore.synthetic": {
        "vi": "Dữ liệu mô phỏng. Các xã, huyện và con số ở đây được tạo ra để "
        "minh họa cách dùng công cụ, không phải số liệu thật.",
        "en": "Synthetic data — dữ liệu mô phỏng. The communes, districts and figures shown "
        "here were generated to show how the tool works; they are not real.",
    },
    "explore.computing": {"vi": "Đang tính…", "en": "Computing…"},
    "explore.ready": {"vi": "Đã cập nhật.", "en": "Up to date."},
    "explore.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "explore.upload": {"vi": "Mở tệp của bạn", "en": "Open your file"},
    "explore.loaded": {"vi": "Đang xem: {summary}", "en": "Showing: {summary}"},
    "explore.tab.standing": {"vi": "Hiện trạng", "en": "Where we stand"},
    "explore.tab.criterion": {"vi": "Một tiêu chí", "en": "One criterion"},
    "explore.tab.what_if": {"vi": "Nếu… thì", "en": "What if"},
    "explore.province": {"vi": "Toàn tỉnh", "en": "The province"},
    "explore.all_communes": {"vi": "(Tất cả các xã)", "en": "(All communes)"},
    "explore.control.district": {"vi": "Huyện", "en": "District"},
    "explore.control.commune": {"vi": "Xã", "en": "Commune"},
    "explore.control.year": {"vi": "Năm", "en": "Year"},
    "explore.control.criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "explore.control.boosted": {
        "vi": "Tiêu chí được đầu tư thêm",
        "en": "Criteria given extra support",
    },
    "explore.control.odds_help": {
        "vi": "Hệ số nhân tỷ số chênh mỗi năm để một xã đạt thêm tiêu chí: 1 là như hiện "
        "nay, 1,5 là nhanh hơn, 0,5 là chậm hơn.",
        "en": "Multiplier of the yearly odds that a commune gains the criterion: 1 is as now, "
        "1.5 faster, 0.5 slower.",
    },
    "explore.control.priority": {
        "vi": "Xã ưu tiên (đăng ký phấn đấu đạt chuẩn)",
        "en": "Priority communes (registered to reach the standard)",
    },
    "explore.control.priority_help": {
        "vi": "Giữ Ctrl (hoặc Shift) để chọn nhiều xã.",
        "en": "Hold Ctrl (or Shift) to pick several communes.",
    },
    "explore.control.priority_odds": {
        "vi": "Hệ số cho xã ưu tiên",
        "en": "Multiplier for priority communes",
    },
    "explore.control.target": {"vi": "Mục tiêu (số xã)", "en": "Target (communes)"},
    "explore.control.target_year": {"vi": "Năm mục tiêu", "en": "Target year"},
    "explore.standing.title": {"vi": "{unit} — năm {year}", "en": "{unit} — {year}"},
    "explore.heatmap.title": {
        "vi": "19 tiêu chí theo từng xã: {unit}, năm {year}",
        "en": "The 19 criteria, commune by commune: {unit}, {year}",
    },
    "explore.heatmap.commune_title": {
        "vi": "19 tiêu chí của {unit} qua các năm",
        "en": "The 19 criteria of {unit}, year by year",
    },
    "explore.commune.status": {"vi": "Đạt chuẩn NTM", "en": "Meets the NTM standard"},
    "explore.commune.ntm": {"vi": "Đã đạt chuẩn", "en": "Yes"},
    "explore.commune.not_ntm": {"vi": "Chưa đạt chuẩn", "en": "Not yet"},
    "explore.commune.missing": {
        "vi": "Còn thiếu: {criteria}.",
        "en": "Still missing: {criteria}.",
    },
    "explore.col.figure": {"vi": "Chỉ tiêu", "en": "Figure"},
    "explore.col.value": {"vi": "Giá trị", "en": "Value"},
    "explore.col.change": {"vi": "So với năm trước", "en": "Change on the year before"},
    "explore.col.forecast": {"vi": "Dự báo", "en": "Forecast"},
    "explore.whatif.baseline": {"vi": "Như hiện nay", "en": "Baseline"},
    "explore.whatif.scenario": {"vi": "Theo giả định", "en": "Scenario"},
    "explore.whatif.difference": {"vi": "Chênh lệch", "en": "Difference"},
    "explore.whatif.pm": {"vi": "{p} ± {se} điểm %", "en": "{p} ± {se} points"},
    "explore.whatif.pp": {"vi": "{d} ± {se} điểm %", "en": "{d} ± {se} points"},
    "explore.whatif.headline": {
        "vi": "Theo giả định: khả năng đạt {target} xã đạt chuẩn NTM vào năm {year} là {prob} "
        "({words}); dự báo trung bình {expected} xã (khoảng 80%: {lo}–{hi}).",
        "en": "Scenario: probability of reaching {target} NTM communes by {year}: {prob} "
        "({words}); expected {expected} communes (80% interval {lo}–{hi}).",
    },
    "explore.whatif.note": {
        "vi": "{draws} lần mô phỏng; giả định và hiện trạng dùng chung các số ngẫu nhiên, nên "
        "chênh lệch là tác động của giả định chứ không phải do ngẫu nhiên. “±” là sai số do "
        "số lần mô phỏng có hạn (một độ lệch chuẩn).",
        "en": "{draws} simulations; the scenario and the baseline share their random numbers, "
        "so the difference is the scenario's effect, not noise. “±” is the error from the "
        "finite number of simulations (one standard error).",
    },
    "explore.fan.baseline": {
        "vi": "Như hiện nay: số xã đạt chuẩn NTM",
        "en": "Baseline: communes meeting the NTM standard",
    },
    "explore.fan.scenario": {
        "vi": "Theo giả định: số xã đạt chuẩn NTM",
        "en": "Scenario: communes meeting the NTM standard",
    },
    "explore.error": {"vi": "Không cập nhật được: {message}", "en": "Could not update: {message}"},
    "explore.cli.url": {
        "vi": "Công cụ khám phá đang chạy tại {url} (chỉ trên máy này). Nhấn Ctrl+C để dừng.",
        "en": "The explorer is running at {url} (this computer only). Press Ctrl+C to stop.",
    },
    "explore.cli.starting": {
        "vi": "Đang khởi động công cụ khám phá…",
        "en": "Starting the explorer…",
    },
    "cli.help.cmd.explore": {
        "vi": "mở công cụ khám phá trong trình duyệt (không cần viết mã)",
        "en": "open the explorer in the browser (no code needed)",
    },
    "cli.help.port": {
        "vi": "cổng trên máy này (mặc định: một cổng còn trống)",
        "en": "port on this computer (default: a free one)",
    },
    "cli.help.no_browser": {
        "vi": "không tự mở trình duyệt, chỉ in địa chỉ",
        "en": "do not open the browser, only print the address",
    },
    # =========================================================================================
    # Reports, the batch index page and batch messages
    # =========================================================================================
    # --- report: names of units and titles ---------------------------------------------------
    "report.unit.province": {"vi": "Tỉnh {name}", "en": "{name} province"},
    "unit.named": {"vi": "{kind} {name}", "en": "{name} {kind}"},
    "unit.this": {"vi": "{kind} này", "en": "this {kind}"},
    "unit.kind.rural_district": {"vi": "huyện", "en": "district"},
    "unit.kind.city": {"vi": "thành phố", "en": "city"},
    "unit.kind.town": {"vi": "thị xã", "en": "town"},
    "unit.kind.urban_district": {"vi": "quận", "en": "urban district"},
    "report.list.and": {"vi": "{head} và {last}", "en": "{head} and {last}"},
    "report.title": {
        "vi": "{unit}: dự báo số xã đạt chuẩn nông thôn mới đến năm {year}",
        "en": "{unit}: communes meeting the New Rural Development standard by {year}, forecast",
    },
    "report.section.now": {"vi": "Hiện trạng năm {year}", "en": "Where things stand in {year}"},
    "report.section.trend": {
        "vi": "Diễn biến từ năm {first} đến năm {last}",
        "en": "The trend from {first} to {last}",
    },
    "report.section.forecast": {"vi": "Dự báo đến năm {year}", "en": "Forecast to {year}"},
    "report.section.closest": {
        "vi": "Các xã gần đạt chuẩn nhất và tiêu chí còn thiếu",
        "en": "Communes closest to the standard and what each still misses",
    },
    "report.section.bottlenecks": {
        "vi": "Các tiêu chí “nút thắt”",
        "en": "Bottleneck criteria",
    },
    "report.section.pace": {
        "vi": "Kiểm tra theo tốc độ gần đây (đường thẳng)",
        "en": "Straight-line check: the recent pace against the pace needed",
    },
    "report.section.methods": {
        "vi": "So sánh các phương pháp dự báo",
        "en": "How the forecasting methods compare",
    },
    "report.section.backtest": {
        "vi": "Kiểm định trên số liệu các năm trước",
        "en": "How past forecasts held up (backtest)",
    },
    "report.section.note": {"vi": "Dữ liệu và phương pháp", "en": "Data and method"},
    "report.section.districts": {
        "vi": "Các huyện: hiện nay và dự báo năm {year}",
        "en": "The districts: now and forecast for {year}",
    },
    # --- report: banner, status and targets ------------------------------------------------
    "report.synthetic_banner": {
        "vi": "Dữ liệu mô phỏng, không phải số liệu thật. Mọi con số trong báo cáo này được tạo "
        "ra để minh họa cách dùng công cụ, không phải kết quả thật của bất kỳ xã nào.",
        "en": "Synthetic data — dữ liệu mô phỏng. Every figure in this report was generated to "
        "demonstrate the tool; none is a real commune's result.",
    },
    "report.status.label": {
        "vi": "Đánh giá tiến độ (theo mô hình):",
        "en": "Progress (from the model):",
    },
    "report.status.none": {
        "vi": "Chưa đánh giá: chưa được giao mục tiêu riêng",
        "en": "Not assessed: no target of its own",
    },
    "report.target.official": {
        "vi": "Mục tiêu: {target} xã đạt chuẩn vào năm {year} (chỉ tiêu kế hoạch chính thức).",
        "en": "Target: {target} communes meeting the standard by {year} (official plan target).",
    },
    "report.target.file": {
        "vi": "Mục tiêu: {target} xã đạt chuẩn vào năm {year} (theo tệp mục tiêu; không ghi là "
        "chỉ tiêu chính thức).",
        "en": "Target: {target} communes meeting the standard by {year} (from the targets file; "
        "not marked as an official target).",
    },
    "report.target.user": {
        "vi": "Mục tiêu: {target} xã đạt chuẩn vào năm {year} (do người dùng nhập, không phải "
        "chỉ tiêu chính thức).",
        "en": "Target: {target} communes meeting the standard by {year} (supplied by the user, "
        "not an official target).",
    },
    "report.target.real_but_synthetic": {
        "vi": "Chỉ tiêu này là thật, nhưng số liệu là mô phỏng: khả năng đạt mục tiêu nêu ở đây "
        "chỉ minh họa cách dùng công cụ, không nói gì về tỉnh thật.",
        "en": "The target is real but the data are synthetic: the probability of reaching it "
        "shown here only demonstrates the tool and says nothing about the real province.",
    },
    "report.mean_target.official": {
        "vi": "Mục tiêu bình quân {target} tiêu chí/xã vào năm {year} (chỉ tiêu kế hoạch chính "
        "thức).",
        "en": "Target of {target} criteria per commune on average by {year} (official plan "
        "target).",
    },
    "report.mean_target.file": {
        "vi": "Mục tiêu bình quân {target} tiêu chí/xã vào năm {year} (theo tệp mục tiêu; không "
        "ghi là chỉ tiêu chính thức).",
        "en": "Target of {target} criteria per commune on average by {year} (from the targets "
        "file; not marked as an official target).",
    },
    "report.target.none_district": {
        "vi": "{this_unit} chưa được giao mục tiêu riêng. Báo cáo nêu số xã dự kiến đạt chuẩn, "
        "tức phần đóng góp dự kiến vào kế hoạch của tỉnh, và phân bố của nó; không tự chia "
        "mục tiêu của tỉnh cho các huyện, thành phố, vì một cách chia như vậy không phải chỉ "
        "tiêu chính thức. Khi có mục tiêu riêng, nhập bằng tệp mẫu (ntm targets --template).",
        "en": "{this_unit} has no target of its own. The report gives the expected number of "
        "communes meeting the standard, its expected contribution to the province plan, and "
        "its distribution; it does not split the province's target: such a split would not "
        "be an official target. A target of its own can be given with the template (ntm "
        "targets --template).",
    },
    "report.target.none_province": {
        "vi": "Chưa có mục tiêu cho toàn tỉnh: báo cáo chỉ nêu số xã đạt chuẩn dự báo.",
        "en": "No province target was given: the report gives the expected count only.",
    },
    # --- report: now and trend ----------------------------------------------------------------
    "report.points": {"vi": "{value} điểm phần trăm", "en": "{value} pp"},
    "report.col.measure": {"vi": "Chỉ tiêu", "en": "Measure"},
    "report.col.in_year": {"vi": "Năm {year}", "en": "{year}"},
    "report.col.change_since": {"vi": "Thay đổi so với năm {year}", "en": "Change since {year}"},
    "report.now.sentence": {
        "vi": "Năm {year}: {n_ntm}/{n_communes} xã đạt chuẩn NTM ({share}); bình quân mỗi xã "
        "đạt {mean} tiêu chí; {n_close} xã đạt 15–18 tiêu chí; {n_below} xã đạt dưới 5 tiêu chí.",
        "en": "{year}: {n_ntm} of {n_communes} communes meet the NTM standard ({share}); the "
        "average commune meets {mean} criteria; {n_close} communes meet 15–18; {n_below} meet "
        "fewer than 5.",
    },
    "report.now.heatmap_note": {
        "vi": "Mỗi hàng là một xã, xếp theo số tiêu chí đạt (nhiều nhất ở trên); ô màu đậm là "
        "tiêu chí đã đạt, ô màu nhạt là tiêu chí chưa đạt.",
        "en": "One row per commune, most criteria met at the top; dark cells are criteria met, "
        "light cells criteria not yet met.",
    },
    "report.trend.sentence": {
        "vi": "Từ năm {first} đến năm {last}: số xã đạt chuẩn NTM từ {start} thành {end}; số "
        "tiêu chí đạt bình quân mỗi xã từ {mean_start} thành {mean_end}.",
        "en": "From {first} to {last}: communes meeting the NTM standard went from {start} to "
        "{end}; average criteria met per commune from {mean_start} to {mean_end}.",
    },
    "report.trend.sentence_flat": {
        "vi": "Từ năm {first} đến năm {last}: số xã đạt chuẩn NTM không đổi ({start} năm {first}, "
        "{end} năm {last}); số tiêu chí đạt bình quân mỗi xã từ {mean_start} thành {mean_end}.",
        "en": "From {first} to {last}: the number of communes meeting the NTM standard did not "
        "change ({start} in {first}, {end} in {last}); average criteria met per commune went "
        "from {mean_start} to {mean_end}.",
    },
    # --- report: forecast ---------------------------------------------------------------------
    "report.forecast.sentence": {
        "vi": "Năm {year}: số xã đạt chuẩn dự báo trung bình {expected} (khoảng 80%: "
        "{lo80}–{hi80}; khoảng 95%: {lo95}–{hi95}). Mọi con số dự báo đơn lẻ trong báo cáo là "
        "giá trị trung bình của các lần mô phỏng.",
        "en": "{year}: {expected} communes meeting the standard expected (80% interval "
        "{lo80}–{hi80}; 95% interval {lo95}–{hi95}). Every single forecast number in this "
        "report is the expected value, the average over the simulations.",
    },
    "report.forecast.distribution": {
        "vi": "Phân bố số xã đạt chuẩn năm {year}: khả năng có ít nhất bao nhiêu xã.",
        "en": "Distribution of the count in {year}: the probability of at least so many communes.",
    },
    "report.forecast.first_reached": {
        "vi": "Năm đầu tiên đạt mục tiêu {target} xã:",
        "en": "First year the target of {target} communes is reached:",
    },
    "report.first.never": {"vi": "Chưa đạt đến năm {year}", "en": "Not reached by {year}"},
    "report.col.at_least": {"vi": "Ít nhất (số xã)", "en": "At least (communes)"},
    "report.col.chance": {"vi": "Khả năng", "en": "Probability"},
    "report.col.mean_criteria_expected": {
        "vi": "Số tiêu chí đạt bình quân/xã (trung bình dự báo)",
        "en": "Average criteria met per commune (expected)",
    },
    # --- report: closest communes and bottlenecks -------------------------------------------
    "report.closest.sentence": {
        "vi": "{n} xã chưa đạt chuẩn có nhiều tiêu chí đạt nhất năm {as_of}. Cột cuối là khả "
        "năng mỗi xã đạt chuẩn vào năm {year} theo mô hình.",
        "en": "The {n} communes not yet meeting the standard with the most criteria met in "
        "{as_of}. The last column is the model's probability that each meets the standard in "
        "{year}.",
    },
    "report.closest.all_met": {
        "vi": "Cả {n} xã đều đã đạt chuẩn NTM: không còn xã nào thiếu tiêu chí.",
        "en": "All {n} communes already meet the NTM standard: none is missing a criterion.",
    },
    "report.col.commune_code": {"vi": "Mã xã", "en": "Commune code"},
    "report.col.missing": {"vi": "Tiêu chí còn thiếu", "en": "Criteria still missing"},
    "report.col.p_ntm_year": {
        "vi": "Khả năng đạt chuẩn năm {year}",
        "en": "Probability of meeting the standard in {year}",
    },
    "report.bottleneck.all_met": {
        "vi": "Cả {n} xã đều đã đạt chuẩn, nên không có xã nào gần chuẩn còn thiếu tiêu chí và "
        "không có tiêu chí “nút thắt”.",
        "en": "All {n} communes already meet the standard, so no commune is close to it with a "
        "criterion missing, and there is no bottleneck criterion.",
    },
    "report.bottleneck.none": {
        "vi": "Không có xã nào gần chuẩn: năm {as_of} không xã nào đạt 15–18 tiêu chí, và đến "
        "năm {year} bình quân chỉ {per_run} xã mỗi lần mô phỏng dừng ở 17–18 tiêu chí.",
        "en": "No commune is close to the standard: none met 15–18 criteria in {as_of}, and in "
        "{year} on average only {per_run} communes per simulation end at 17–18 criteria.",
    },
    "report.bottleneck.sentence": {
        "vi": "Đến năm {year}, bình quân {per_run} xã mỗi lần mô phỏng dừng ở 17–18 tiêu chí. "
        "Các tiêu chí các xã này thường thiếu nhất: {criteria}.",
        "en": "In {year}, on average {per_run} communes per simulation end at 17–18 criteria. "
        "The criteria they most often miss: {criteria}.",
    },
    "report.bottleneck.few_forecast": {
        "vi": "Đến năm {year} hầu như không có xã nào dừng ở 17–18 tiêu chí (bình quân "
        "{per_run} xã mỗi lần mô phỏng), nên bảng dưới chỉ nêu các xã gần chuẩn hiện nay.",
        "en": "Hardly any commune ends {year} at 17–18 criteria (on average {per_run} per "
        "simulation), so the table shows today's near-standard communes only.",
    },
    "report.bottleneck.chart_title": {
        "vi": "Tiêu chí còn thiếu ở xã dừng ở 17–18 TC năm {year} — {unit}",
        "en": "Missing criteria, communes ending {year} at 17–18 — {unit}",
    },
    "report.bottleneck.axis": {
        "vi": "Tỷ lệ trong số xã dừng ở 17–18 tiêu chí năm {year} (dự báo)",
        "en": "Share of the communes ending {year} at 17–18 criteria (forecast)",
    },
    "report.col.share_forecast": {
        "vi": "Dự báo {year}: tỷ lệ còn thiếu, trong số xã dừng ở 17–18 TC (bình quân {per_run} "
        "xã/lần mô phỏng)",
        "en": "Forecast {year}: share missing it among communes ending at 17–18 (on average "
        "{per_run} per simulation)",
    },
    "report.col.share_now": {
        "vi": "Năm {year}: tỷ lệ còn thiếu, trong số {n} xã đạt 15–18 TC",
        "en": "{year}: share missing it among the {n} communes at 15–18",
    },
    "report.bottleneck.bases": {
        "vi": "Hai cột có gốc khác nhau: cột dự báo tính trên các xã được dự báo dừng ở "
        "{lo}–{hi} tiêu chí năm {year}; cột năm {as_of} tính trên các xã đạt {close_lo}–"
        "{close_hi} tiêu chí năm đó. Bảng gồm các tiêu chí đứng đầu ở một trong hai cột.",
        "en": "The two columns have different bases: the forecast column counts the communes "
        "forecast to end {year} at {lo}–{hi} criteria; the {as_of} column the communes that met "
        "{close_lo}–{close_hi} criteria that year. The table lists the criteria at the top of "
        "either column.",
    },
    "report.heatmap.title": {
        "vi": "19 tiêu chí theo xã — {unit}, {year}",
        "en": "The 19 criteria by commune — {unit}, {year}",
    },
    "report.fan.title": {
        "vi": "Số xã đạt chuẩn NTM — {unit}",
        "en": "Communes meeting the standard — {unit}",
    },
    # --- report: pace (the straight-line check) ----------------------------------------------
    "report.pace.intro": {
        "vi": "Cách kiểm tra đơn giản mà cơ quan thống kê thường dùng: kéo dài tốc độ của vài "
        "năm gần đây theo đường thẳng, không dùng mô hình. Đánh giá tiến độ ở đầu báo cáo thì "
        "dựa trên mô hình.",
        "en": "The simple check statistical offices use: extend the pace of the last few years "
        "in a straight line, without the model. The progress status at the top of the report "
        "comes from the model.",
    },
    "report.pace.all_met": {
        "vi": "Cả {n} xã đều đã đạt chuẩn: không cần thêm xã nào.",
        "en": "All {n} communes already meet the standard: no more are needed.",
    },
    "report.pace.added": {
        "vi": "{window} năm qua bình quân thêm {observed} xã/năm",
        "en": "the last {window} years added {observed} a year",
    },
    "report.pace.none_added": {
        "vi": "trong {window} năm qua không có thêm xã nào đạt chuẩn",
        "en": "no commune reached the standard in the last {window} years",
    },
    "report.pace.sentence": {
        "vi": "Để đạt mục tiêu cần thêm bình quân {required} xã đạt chuẩn mỗi năm; {added}. Giữ "
        "tốc độ này thì năm {year} có khoảng {projected} xã.",
        "en": "Reaching the target needs {required} more communes meeting the standard a year "
        "on average; {added}. At that pace there would be about {projected} in {year}.",
    },
    "report.pace.status": {
        "vi": "Theo đường thẳng (chỉ kéo dài tốc độ gần đây):",
        "en": "Straight-line check (recent pace extended):",
    },
    "report.pace.mean_status": {
        "vi": "Số tiêu chí bình quân/xã, theo đường thẳng:",
        "en": "Criteria per commune, straight-line check:",
    },
    "report.pace.see_methods": {
        "vi": "Kết quả này khác với đánh giá theo mô hình ở đầu báo cáo; phần “So sánh các "
        "phương pháp dự báo” giải thích vì sao.",
        "en": "This differs from the model's status at the top of the report; the section "
        "“How the forecasting methods compare” explains why.",
    },
    "report.pace.mean_sentence": {
        "vi": "Số tiêu chí đạt bình quân/xã: để đạt {target} vào năm {year} cần tăng {required} "
        "tiêu chí/xã mỗi năm; {window} năm qua tăng {observed}/năm. Giữ tốc độ này thì năm "
        "{year} đạt khoảng {projected}.",
        "en": "Average criteria met per commune: reaching {target} by {year} needs {required} "
        "more per commune a year; the last {window} years added {observed} a year. At that pace "
        "it would be about {projected} in {year}.",
    },
    "report.pace.no_target": {
        "vi": "Chưa có mục tiêu nên không tính tốc độ cần thiết. {window} năm qua bình quân thêm "
        "{observed} xã đạt chuẩn mỗi năm.",
        "en": "With no target there is no required pace. The last {window} years added "
        "{observed} communes meeting the standard a year.",
    },
    "report.pace.no_target_none_added": {
        "vi": "Chưa có mục tiêu nên không tính tốc độ cần thiết. Trong {window} năm qua không có "
        "thêm xã nào đạt chuẩn.",
        "en": "With no target there is no required pace. No commune reached the standard in the "
        "last {window} years.",
    },
    # --- report: methods ----------------------------------------------------------------------
    "report.col.method": {"vi": "Phương pháp", "en": "Method"},
    "method.transition": {
        "vi": "Mô hình chính (mô phỏng từng xã)",
        "en": "Main model (commune-level simulation)",
    },
    "method.linear_trend": {"vi": "Đường xu thế tuyến tính", "en": "Linear trend"},
    "method.damped_trend": {
        "vi": "Xu thế tắt dần (san bằng mũ)",
        "en": "Damped trend (exponential smoothing)",
    },
    "method.transition_no_trend": {
        "vi": "Mô hình chính, không có xu thế thời gian",
        "en": "Main model without the time trend",
    },
    "method.persistence": {
        "vi": "Giữ nguyên hiện trạng (không xã nào thay đổi)",
        "en": "Persistence (nothing changes)",
    },
    "method.inline.transition": {"vi": "mô hình chính", "en": "the main model"},
    "method.inline.linear_trend": {"vi": "đường xu thế tuyến tính", "en": "the linear trend"},
    "method.inline.damped_trend": {"vi": "xu thế tắt dần", "en": "the damped trend"},
    "report.methods.agree": {
        "vi": "Các phương pháp cho kết quả gần nhau.",
        "en": "The methods broadly agree.",
    },
    "report.methods.disagree": {
        "vi": "Các phương pháp khác nhau rõ rệt: mô hình chính dự báo trung bình {main} xã, "
        "còn {items}.",
        "en": "The methods clearly disagree: the main model expects {main} communes, against "
        "{items}.",
    },
    "report.methods.item": {"vi": "{method} {value} xã", "en": "{value} from {method}"},
    "report.methods.all_met": {
        "vi": "Cả {n} xã đều đã đạt chuẩn, nên mọi phương pháp đều dự báo khoảng {n} xã. Mô hình "
        "chính dự báo trung bình {main}, hơi thấp hơn, vì mô hình cho phép một xã mất tiêu chí "
        "khi được đánh giá lại.",
        "en": "All {n} communes already meet the standard, so every method forecasts about {n}. "
        "The main model expects {main}, a little lower, because it allows a commune to lose a "
        "criterion at re-assessment.",
    },
    "report.methods.not_computed": {"vi": "không tính được", "en": "not computable"},
    "report.methods.note_nan": {
        "vi": "{method}: không tính được, vì chuỗi số liệu hằng năm của đơn vị quá ngắn hoặc "
        "không thay đổi.",
        "en": "{method}: not computable, because the unit's yearly series is too short or never "
        "changed.",
    },
    "report.methods.note_flat": {
        "vi": "{method}: khoảng dự báo {interval} không có độ rộng vì số xã đạt chuẩn các năm "
        "trước không đổi (luôn là {value}); điều đó không có nghĩa là chắc chắn.",
        "en": "{method}: the interval {interval} has no width because the yearly count never "
        "changed (always {value}); that is not certainty.",
    },
    "report.methods.note_capped": {
        "vi": "{method}: số liệu được giới hạn trong khoảng 0–{n} xã; tự nó, đường xu thế vượt "
        "ra ngoài số xã mà đơn vị có.",
        "en": "{method}: kept within 0–{n} communes; on its own the trend line runs beyond the "
        "number of communes the unit has.",
    },
    "report.methods.why": {
        "vi": "Phần đầu báo cáo dùng mô hình chính: mô hình này dùng số liệu của từng tiêu chí ở "
        "từng xã, tính đến việc xã càng gần chuẩn càng dễ đạt thêm tiêu chí, và khoảng dự báo "
        "tính cả sai số của chính mô hình. Hai đường xu thế chỉ dựa trên {n} con số hằng năm "
        "của đơn vị.",
        "en": "The headline uses the main model: it uses every criterion of every commune, "
        "allows for communes close to the standard gaining criteria faster, and its intervals "
        "include the model's own uncertainty. The two trend lines rest on the unit's {n} "
        "yearly figures only.",
    },
    "report.methods.cover_unknown": {
        "vi": "Không có kiểm định để so sánh độ tin cậy của các khoảng dự báo.",
        "en": "Without a backtest the intervals' reliability cannot be compared.",
    },
    "report.methods.cover_numbers": {
        "vi": "Trong kiểm định ({level}), khoảng 80% của mô hình chính chứa giá trị thực {main} "
        "số lần; của {others}.",
        "en": "In the backtest ({level}), the main model's 80% intervals contained the actual "
        "value {main} of the time; those of {others}.",
    },
    "report.methods.cover_item": {"vi": "{method} {share}", "en": "{method} {share}"},
    "report.methods.cover_narrow_all": {
        "vi": "Khoảng dự báo của các đường xu thế quá hẹp so với mức 80% đã nêu.",
        "en": "The trend lines' intervals are too narrow for the 80% they claim.",
    },
    "report.methods.cover_narrow_some": {
        "vi": "Khoảng dự báo của {methods} quá hẹp so với mức 80% đã nêu.",
        "en": "The intervals of {methods} are too narrow for the 80% they claim.",
    },
    "report.methods.cover_ok": {
        "vi": "Ở cấp này, khoảng dự báo của các đường xu thế không hẹp hơn mức đã nêu.",
        "en": "At this level the trend lines' intervals were not narrower than they claim.",
    },
    "report.methods.cover_main_narrow": {
        "vi": "Khoảng của mô hình chính cũng chứa giá trị thực ít hơn 80% số lần: hãy coi nó là "
        "mức bất định tối thiểu, không phải một bảo đảm.",
        "en": "The main model's intervals also held the actual value less than 80% of the time: "
        "treat them as a floor on the uncertainty, not a guarantee.",
    },
    "report.level.province": {
        "vi": "cấp tỉnh",
        "en": "province level",
    },
    "report.level.districts": {
        "vi": "gộp {n} huyện, không riêng đơn vị này",
        "en": "the {n} districts pooled, not this unit alone",
    },
    "report.methods.status_model_higher": {
        "vi": "Hai cách đánh giá tiến độ khác nhau. Theo mô hình, khả năng đạt mục tiêu là "
        "{prob} (“{model}”); theo đường thẳng là “{line}”: giữ tốc độ {observed} xã/năm của "
        "{window} năm qua thì năm {year} chỉ có khoảng {projected} xã. Mô hình lạc quan hơn vì "
        "nó theo dõi từng xã: năm {as_of} có {n_close} xã đã đạt 15–18 tiêu chí và nhiều xã "
        "trong số đó sẽ đạt chuẩn trong vài năm tới, điều mà đường thẳng qua số xã đạt chuẩn "
        "các năm trước không thấy được. Kết luận ở đầu báo cáo dùng mô hình.",
        "en": "The two progress checks disagree. The model gives a {prob} chance of reaching "
        "the target (“{model}”); the straight line says “{line}”: at the last {window} years' "
        "pace of {observed} communes a year there would be only about {projected} in {year}. "
        "The model is more optimistic because it follows each commune: in {as_of}, {n_close} "
        "communes already met 15–18 criteria and many of them will reach the standard within a "
        "few years, which a straight line through past counts cannot see. The headline uses "
        "the model.",
    },
    "report.methods.status_model_lower": {
        "vi": "Hai cách đánh giá tiến độ khác nhau. Theo mô hình, khả năng đạt mục tiêu là "
        "{prob} (“{model}”); theo đường thẳng là “{line}”: giữ tốc độ {observed} xã/năm của "
        "{window} năm qua thì năm {year} có khoảng {projected} xã. Mô hình thận trọng hơn vì nó "
        "theo dõi từng xã: năm {as_of} chỉ có {n_close} xã đạt 15–18 tiêu chí, còn các xã xa "
        "chuẩn cần nhiều năm để đạt các tiêu chí khó nhất (thu nhập, hộ nghèo, tổ chức sản "
        "xuất). Kết luận ở đầu báo cáo dùng mô hình.",
        "en": "The two progress checks disagree. The model gives a {prob} chance of reaching "
        "the target (“{model}”); the straight line says “{line}”: at the last {window} years' "
        "pace of {observed} communes a year there would be about {projected} in {year}. The "
        "model is more cautious because it follows each commune: in {as_of} only {n_close} "
        "communes met 15–18 criteria, and communes far from the standard need years to gain "
        "the hardest criteria (income, poverty, production organisation). The headline uses "
        "the model.",
    },
    # --- report: backtest ---------------------------------------------------------------------
    "report.backtest.sentence": {
        "vi": "Khi mô hình cho một xã khả năng đạt chuẩn từ {lo} đến {hi} (bình quân "
        "{predicted}), thực tế {observed} số xã đó đã đạt chuẩn ({n} trường hợp, tất cả các xã "
        "trong tỉnh, dự báo từ các năm gốc {origins}).",
        "en": "When the model gave a commune between {lo} and {hi} (on average {predicted}), "
        "{observed} of those communes met the standard ({n} cases, every commune in the "
        "province, forecasts made in {origins}).",
    },
    "report.backtest.no_cases": {
        "vi": "Chưa có trường hợp nào với xác suất dự báo từ 50% đến 90% để đánh giá (các năm "
        "gốc {origins}).",
        "en": "No case with a forecast probability between 50% and 90% to judge by (origin "
        "years {origins}).",
    },
    "report.backtest.coverage": {
        "vi": "Số xã đạt chuẩn ({level}): khoảng dự báo 80% chứa giá trị thực ở {items}. Một "
        "khoảng trung thực chứa giá trị thực khoảng 80% số lần.",
        "en": "Communes meeting the standard ({level}): the 80% intervals contained the actual "
        "value for {items}. An honest interval does so about 80% of the time.",
    },
    "report.backtest.coverage_item": {
        "vi": "{method} {share} số lần ({n} trường hợp)",
        "en": "{method} {share} of the time ({n} cases)",
    },
    "report.backtest.table_caption": {
        "vi": "Độ tin cậy của xác suất từng xã — toàn tỉnh (tất cả các xã, dự báo từ các năm gốc "
        "{origins})",
        "en": "Reliability of the commune probabilities — province-wide (every commune, "
        "forecasts made in {origins})",
    },
    "report.backtest.skipped": {
        "vi": "Không chạy kiểm định trong báo cáo này.",
        "en": "The backtest was not run for this report.",
    },
    "report.backtest.too_short": {
        "vi": "Chuỗi số liệu quá ngắn để kiểm định (cần ít nhất bốn năm).",
        "en": "The data are too short to backtest (at least four years are needed).",
    },
    # --- backtest: effective cases, methods compared, reliability diagram (issue 13) ---------
    "report.backtest.coverage_item_effective": {
        "vi": "{method} {share} số lần ({n} dự báo về {n_effective} kết quả khác nhau)",
        "en": "{method} {share} of the time ({n} forecasts of {n_effective} distinct outcomes)",
    },
    "report.backtest.trivial": {
        "vi": "{n} trường hợp hiển nhiên (không có xã đạt chuẩn và khoảng dự báo [0, 0]) không "
        "được tính. Các dự báo từ những năm gốc khác nhau cho cùng một năm không phải là những "
        "phép thử độc lập: số kết quả khác nhau mới là lượng bằng chứng thực có.",
        "en": "{n} certain cases (nothing observed and an interval of [0, 0]) are left out. "
        "Forecasts of the same year from different origins are not independent tests: the "
        "number of distinct outcomes is the real amount of evidence.",
    },
    "report.backtest.errors": {
        "vi": "Sai số tuyệt đối bình quân của số xã đạt chuẩn ({level}): {items}.",
        "en": "Mean absolute error of the number of communes meeting the standard ({level}): "
        "{items}.",
    },
    "report.backtest.error_item": {
        "vi": "{method} {mae} ({n} dự báo)",
        "en": "{method} {mae} ({n} forecasts)",
    },
    "method.inline.persistence": {
        "vi": "giữ nguyên mức năm gốc",
        "en": "persistence (no change from the origin)",
    },
    "chart.reliability.title": {
        "vi": "Xác suất dự báo so với thực tế: từng xã (kiểm định quá khứ)",
        "en": "Forecast probabilities against what happened: every commune (backtest)",
    },
    "chart.reliability.x": {
        "vi": "Xác suất dự báo xã đạt chuẩn",
        "en": "Forecast probability that the commune meets the standard",
    },
    "chart.reliability.y": {
        "vi": "Tỷ lệ thực tế đã đạt chuẩn",
        "en": "Share that actually met the standard",
    },
    "chart.reliability.diagonal": {
        "vi": "Đường chéo: dự báo đáng tin cậy",
        "en": "Diagonal: reliable forecasts",
    },
    "chart.reliability.cases": {"vi": "{n} trường hợp", "en": "{n} cases"},
    "chart.reliability.cases_distinct": {
        "vi": "{n} trường hợp ({distinct} kết quả khác nhau)",
        "en": "{n} cases ({distinct} distinct outcomes)",
    },
    "report.col.bin": {"vi": "Xác suất dự báo", "en": "Forecast probability"},
    "report.col.predicted": {"vi": "Bình quân dự báo", "en": "Average forecast"},
    "report.col.observed_share": {"vi": "Tỷ lệ thực tế đạt chuẩn", "en": "Share that made it"},
    "report.col.n_cases": {"vi": "Số trường hợp", "en": "Cases"},
    # --- report: data and method note ---------------------------------------------------------
    "report.note.data": {
        "vi": "Số liệu: {source}; {n_communes} xã, {n_districts} huyện, các năm {first}–{last}.",
        "en": "Data: {source}; {n_communes} communes, {n_districts} districts, years "
        "{first}–{last}.",
    },
    "report.note.synthetic": {
        "vi": "Dữ liệu mô phỏng: tạo ra để chạy thử công cụ; tên và mã xã là "
        "tên giả. Không được trích dẫn như kết quả thật.",
        "en": "Synthetic data (dữ liệu mô phỏng): generated to demonstrate the tool; commune "
        "names and codes are placeholders. Never cite them as real results.",
    },
    "report.note.published": {
        "vi": "Dữ liệu mô phỏng được tạo để khớp với các số liệu thật đã công bố sau ({file}): "
        "{items}. Ngoài các con số này, mọi số liệu của xã và huyện đều là giả định.",
        "en": "The synthetic data were made to match these real published figures ({file}): "
        "{items}. Beyond these, every commune and district figure is made up.",
    },
    "report.note.published_item": {
        "vi": "{measure} {value} (năm {year})",
        "en": "{measure} {value} ({year})",
    },
    "report.note.real": {
        "vi": "Số liệu do người dùng cung cấp; đối chiếu với số liệu gốc trước khi sử dụng.",
        "en": "Data supplied by the user; check against the source records before use.",
    },
    "report.note.definitions": {
        "vi": "Xã đạt chuẩn nông thôn mới: đạt đủ 19/19 tiêu chí (Bộ tiêu chí quốc gia giai đoạn "
        "2016–2020, Quyết định 1980/QĐ-TTg). Xã gần đạt chuẩn: đạt 15–18 tiêu chí.",
        "en": "A commune meets the New Rural Development standard when it meets all 19 criteria "
        "(national criteria 2016–2020, Decision 1980/QĐ-TTg). Close to the standard: 15–18 met.",
    },
    "report.note.model": {
        "vi": "Phương pháp: từ số liệu {first}–{as_of}, mô hình ước lượng khả năng mỗi xã đạt "
        "thêm hoặc mất từng tiêu chí mỗi năm, rồi mô phỏng {draws} lần từ năm {as_of} đến năm "
        "{year}. Mỗi lần mô phỏng dùng một bộ hệ số riêng, nên khoảng dự báo có tính cả sai số "
        "của mô hình. Số liệu các huyện lấy từ cùng các lần mô phỏng của cả tỉnh, nên tổng các "
        "huyện luôn bằng toàn tỉnh. Chạy lại với cùng số liệu và tham số (giá trị khởi tạo "
        "ngẫu nhiên {seed}) cho đúng các con số này.",
        "en": "Method: from the {first}–{as_of} data the model estimates each commune's yearly "
        "chance of gaining or losing each criterion, then simulates {draws} times from {as_of} "
        "to {year}. Each simulation draws its own coefficients, so the intervals include the "
        "model's uncertainty. District figures are slices of the same province-wide "
        "simulations, so the districts always add up to the province. Re-running with the same "
        "data and settings (random seed {seed}) gives exactly these numbers.",
    },
    "report.note.status": {
        "vi": "Đánh giá tiến độ (theo mô hình) dựa trên khả năng đạt mục tiêu: từ {hi} trở lên "
        "là “{on_track}”, dưới {lo} là “{off_track}”, ở giữa là “{needs}”.",
        "en": "Progress status (from the model), by the probability of reaching the target: "
        "{hi} or more is “{on_track}”, below {lo} “{off_track}”, in between “{needs}”.",
    },
    "report.note.line_status": {
        "vi": "Kiểm tra theo đường thẳng: kéo dài tốc độ bình quân của vài năm gần đây đến năm "
        "mục tiêu; “Đúng tiến độ” nếu đủ để đạt mục tiêu, “Đang giảm sút” nếu số xã giảm, còn "
        "lại là “Cần đẩy nhanh”. Cách này không dùng mô hình nên có thể khác đánh giá ở đầu "
        "báo cáo.",
        "en": "Straight-line check: the average pace of the last few years extended to the "
        "target year; “On track” if that reaches the target, “Regressing” if the count fell, "
        "otherwise “Needs acceleration”. It does not use the model, so it can differ from the "
        "status at the top.",
    },
    "report.note.scenario": {
        "vi": "Kịch bản: {name} (giả định thay đổi: {details}).",
        "en": "Scenario: {name} (assumed changes: {details}).",
    },
    "report.note.baseline": {
        "vi": "Kịch bản cơ sở: không giả định thay đổi chính sách.",
        "en": "Baseline scenario: no change of policy assumed.",
    },
    "report.scenario.criterion": {
        "vi": "tỷ số chênh đạt {criterion} mỗi năm nhân {odds} lần",
        "en": "odds of gaining {criterion} each year multiplied by {odds}",
    },
    "report.scenario.priority": {
        "vi": "{n} xã ưu tiên, tỷ số chênh đạt thêm tiêu chí nhân {odds} lần",
        "en": "{n} priority communes, odds of gaining criteria multiplied by {odds}",
    },
    "report.note.version": {
        "vi": "Tạo bằng ntm-analysis {version}.",
        "en": "Made with ntm-analysis {version}.",
    },
    "report.coef.summary": {
        "vi": "Phụ lục: hệ số của mô hình",
        "en": "Appendix: the model's coefficients",
    },
    "report.coef.explain": {
        "vi": "Hệ số tính trên thang lôgarit của tỷ số chênh, cho khả năng đạt thêm (hoặc mất) "
        "một tiêu chí trong một năm; cột cuối là số lần tỷ số chênh được nhân lên (lớn hơn 1: "
        "dễ hơn). Hệ số của từng tiêu "
        "chí là mức cơ sở cho một xã đạt 10 tiêu chí.",
        "en": "Coefficients on the log-odds scale of gaining (or losing) a criterion in a year; "
        "the last column is the factor the odds are multiplied by (above 1: more likely). Each "
        "criterion's coefficient is the baseline for a commune meeting 10 criteria.",
    },
    "report.coef.col.model": {"vi": "Mô hình", "en": "Model"},
    "report.coef.col.term": {"vi": "Yếu tố", "en": "Term"},
    "report.coef.col.estimate": {
        "vi": "Hệ số (lôgarit tỷ số chênh)",
        "en": "Estimate (log-odds)",
    },
    "report.coef.col.se": {"vi": "Sai số chuẩn", "en": "Standard error"},
    "report.coef.col.odds": {"vi": "Hệ số nhân tỷ số chênh", "en": "Odds multiplier"},
    "report.coef.gain": {"vi": "Đạt thêm", "en": "Gain"},
    "report.coef.loss": {"vi": "Mất", "en": "Loss"},
    "report.coef.fixed": {"vi": "không ước lượng được", "en": "not estimable"},
    "report.coef.group": {"vi": "Nhóm tiêu chí {group}", "en": "Criteria group {group}"},
    "report.coef.n_met": {
        "vi": "Mỗi tiêu chí đã đạt (so với 10)",
        "en": "Each criterion already met (relative to 10)",
    },
    "report.coef.close": {
        "vi": "Xã gần chuẩn (15–18 tiêu chí)",
        "en": "Close to the standard (15–18 criteria)",
    },
    "report.coef.difficult": {"vi": "Xã đặc biệt khó khăn", "en": "Especially difficult commune"},
    "report.coef.trend": {"vi": "Xu thế thời gian (mỗi năm)", "en": "Time trend (per year)"},
    "report.contents": {"vi": "Mục lục", "en": "Contents"},
    "report.home": {
        "vi": "← Tất cả báo cáo của tỉnh",
        "en": "← All reports of the province",
    },
    "report.print.appendix_elsewhere": {
        "vi": " — in đầy đủ trong báo cáo toàn tỉnh (cả tỉnh dùng chung một mô hình)",
        "en": " — printed in full in the province report (one model for the whole province)",
    },
    "report.print.page": {"vi": "Trang", "en": "Page"},
    "report.footer": {
        "vi": "Lần chạy {run_id} · dữ liệu {data} · ntm-analysis {version} · {time}",
        "en": "Run {run_id} · data {data} · ntm-analysis {version} · {time}",
    },
    "col.share_of_province": {
        "vi": "Tỷ trọng trong số xã đạt chuẩn dự báo của tỉnh",
        "en": "Share of the province's expected count",
    },
    "col.share_met": {"vi": "Tỷ lệ xã đạt tiêu chí", "en": "Share of communes meeting it"},
    "col.p_district_target": {
        "vi": "Khả năng đạt mục tiêu của huyện",
        "en": "Probability of the district target",
    },
    "col.district_target": {"vi": "Mục tiêu của huyện", "en": "District target"},
    "report.criterion_trend.title": {
        "vi": "{criterion}: tỷ lệ xã đạt tiêu chí",
        "en": "{criterion}: share of communes meeting it",
    },
    # --- batch index page ---------------------------------------------------------------------
    "index.title": {
        "vi": "Báo cáo nông thôn mới — {province}",
        "en": "New Rural Development reports — {province}",
    },
    "index.province": {"vi": "Toàn tỉnh", "en": "The whole province"},
    "index.districts": {"vi": "Các huyện", "en": "Districts"},
    "index.col.reports": {"vi": "Báo cáo", "en": "Reports"},
    "index.link.html": {"vi": "báo cáo", "en": "report"},
    "index.link.pdf": {"vi": "bản in (PDF)", "en": "print (PDF)"},
    "index.link.notebook": {"vi": "sổ tính Jupyter", "en": "notebook"},
    "index.link.results": {"vi": "số liệu (JSON)", "en": "figures (JSON)"},
    "index.failed.title": {"vi": "Đơn vị chạy lỗi", "en": "Units that failed"},
    "index.failed.item": {
        "vi": "{unit}: lỗi ở ô {cell} — {error}",
        "en": "{unit}: failed in cell {cell} — {error}",
    },
    "index.status.failed": {"vi": "Lỗi", "en": "Failed"},
    "index.no_target": {"vi": "Chưa giao mục tiêu", "en": "No target set"},
    "cli.batch.failed": {
        "vi": "{n} đơn vị chạy lỗi:",
        "en": "{n} unit(s) failed:",
    },
    "cli.batch.no_pdf": {
        "vi": "Không tạo bản PDF: máy chưa cài Chromium (cài bằng: apt-get install chromium).",
        "en": "No PDFs made: Chromium is not installed (install it: apt-get install chromium).",
    },
    "cli.batch.summary": {
        "vi": "Xong: {ok} thành công, {skipped} giữ nguyên, {failed} lỗi; {seconds} giây. "
        "Trang tổng hợp: {index}",
        "en": "Done: {ok} succeeded, {skipped} up to date, {failed} failed; {seconds} s. "
        "Index: {index}",
    },
    # --- the planner's year: this year's plan, priority list, brief, slides, workbook ---------
    "plan.section": {
        "vi": "Kế hoạch năm {year} so với dự báo",
        "en": "The {year} plan against the forecast",
    },
    "plan.intro": {
        "vi": "Kế hoạch năm {year} của tỉnh so với dự báo cho năm đó. Khoảng dự báo nêu ở đây là "
        "khoảng 95%, vì kiểm định trên các năm đã qua cho thấy khoảng 80% thường quá hẹp.",
        "en": "The province's {year} plan against the forecast for that year. Ranges here are "
        "95% ranges, because the backtest found the 80% ranges too narrow.",
    },
    "plan.district": {
        "vi": "Huyện chưa có chỉ tiêu riêng cho năm {year}. Bảng nêu dự báo của huyện, tức phần "
        "đóng góp dự kiến vào kế hoạch của tỉnh ({target} xã đạt chuẩn NTM năm {year}); "
        "kế hoạch của tỉnh không được chia cho từng huyện.",
        "en": "The district has no target of its own for {year}. The table shows its forecast, "
        "that is its expected contribution to the province's plan ({target} communes meeting "
        "the NTM standard in {year}); the province plan is not split among districts.",
    },
    "plan.none": {
        "vi": "Tệp mục tiêu không có kế hoạch cho năm {year}; bảng chỉ nêu dự báo.",
        "en": "The targets file has no plan for {year}; the table shows the forecast only.",
    },
    "plan.sentence": {
        "vi": "Kế hoạch năm {year}: {target} xã đạt chuẩn NTM. Khả năng đạt: {prob} ({words}); "
        "dự kiến {expected} xã (khoảng 95%: {lo}–{hi}), {gap_words}.",
        "en": "The {year} plan: {target} communes meeting the NTM standard. Probability of "
        "reaching it: {prob} ({words}); expected {expected} communes (95% range {lo}–{hi}), "
        "{gap_words}.",
    },
    "plan.sentence.district": {
        "vi": "Năm {year}, huyện dự kiến có {expected} xã đạt chuẩn NTM (khoảng 95%: {lo}–{hi}); "
        "hiện có {now} xã.",
        "en": "In {year} the district is expected to have {expected} communes meeting the NTM "
        "standard (95% range {lo}–{hi}); it has {now} now.",
    },
    "plan.gap.short": {
        "vi": "thiếu khoảng {gap} xã so với kế hoạch",
        "en": "about {gap} communes short of the plan",
    },
    "plan.gap.over": {
        "vi": "vượt kế hoạch khoảng {gap} xã",
        "en": "about {gap} communes above the plan",
    },
    "plan.cell.short": {"vi": "thiếu {gap}", "en": "{gap} short"},
    "plan.cell.over": {"vi": "vượt {gap}", "en": "{gap} above"},
    "plan.cell.more_below": {"vi": "nhiều hơn {gap}", "en": "{gap} more"},
    "plan.cell.fewer_below": {"vi": "ít hơn {gap}", "en": "{gap} fewer"},
    "plan.cell.none": {"vi": "không có chỉ tiêu", "en": "no target"},
    "plan.col.figure": {"vi": "Chỉ tiêu", "en": "Figure"},
    "plan.col.now": {"vi": "Thực tế năm {year}", "en": "Observed {year}"},
    "plan.col.target": {"vi": "Kế hoạch năm {year}", "en": "Plan for {year}"},
    "plan.col.expected": {"vi": "Dự kiến năm {year}", "en": "Expected {year}"},
    "plan.col.range95": {"vi": "Khoảng 95%", "en": "95% range"},
    "plan.col.lo95": {"vi": "Cận dưới khoảng 95%", "en": "95% range, low end"},
    "plan.col.hi95": {"vi": "Cận trên khoảng 95%", "en": "95% range, high end"},
    "plan.col.probability": {"vi": "Khả năng đạt kế hoạch", "en": "Probability of the plan"},
    "plan.col.gap": {"vi": "So với kế hoạch", "en": "Against the plan"},
    "plan.index.cell": {
        "vi": "Kế hoạch {year}: {target} xã · khả năng {prob} · dự kiến {expected} ({lo}–{hi})",
        "en": "{year} plan: {target} communes · probability {prob} · expected {expected} "
        "({lo}–{hi})",
    },
    "priority.section": {
        "vi": "Danh sách ưu tiên: các xã có khả năng đạt chuẩn NTM sớm nhất",
        "en": "Priority list: the communes most likely to meet the NTM standard next",
    },
    "priority.sentence": {
        "vi": "Xếp theo khả năng đạt chuẩn NTM ngay năm {next}, rồi theo khả năng đạt chuẩn năm "
        "{year}. Bảng nêu {n} xã đứng đầu trong {total} xã chưa đạt chuẩn năm {as_of}; danh sách "
        "đầy đủ có trong tệp Excel.",
        "en": "Ranked by the chance of meeting the NTM standard already in {next}, then by the "
        "chance in {year}. The table shows the first {n} of the {total} communes not meeting "
        "the standard in {as_of}; the full list is in the Excel file.",
    },
    "priority.none": {
        "vi": "Mọi xã đã đạt chuẩn NTM năm {as_of}: không có danh sách ưu tiên.",
        "en": "Every commune met the NTM standard in {as_of}: there is no priority list.",
    },
    "priority.note": {
        "vi": "Mỗi khả năng là tỷ lệ trong {draws} lần mô phỏng; sai số mô phỏng tối đa ±{points} "
        "điểm phần trăm, nên hai xã chênh nhau ít hơn mức đó là ngang nhau. Khả năng “đạt chuẩn "
        "năm X” tính cho đúng năm X: xã đã đạt chuẩn vẫn có thể mất một tiêu chí khi đánh giá "
        "lại, vì vậy khả năng dừng ở mức dưới 100%.",
        "en": "Each chance is a share of {draws} simulations; the simulation error is at most "
        "±{points} percentage points, so two communes closer than that are tied. The chance of "
        "“meeting the standard in year X” is for that year: a commune that meets it can still "
        "lose a criterion at re-assessment, so the chance levels off below 100%.",
    },
    "priority.col.rank": {"vi": "Thứ tự", "en": "Rank"},
    "priority.col.n_met": {"vi": "Số tiêu chí đạt năm {year}", "en": "Criteria met in {year}"},
    "priority.col.p_year": {
        "vi": "Khả năng đạt chuẩn năm {year}",
        "en": "Chance of meeting the standard in {year}",
    },
    "priority.col.se_year": {
        "vi": "Sai số mô phỏng năm {year} (điểm %)",
        "en": "Simulation error {year} (points)",
    },
    "priority.col.why": {"vi": "Lý do xếp hạng", "en": "Why it ranks here"},
    "priority.reason.next": {
        "vi": "có thể đạt chuẩn ngay năm {year}",
        "en": "may meet the standard already in {year}",
    },
    "priority.reason.hard": {
        "vi": "còn thiếu tiêu chí khó ({criteria})",
        "en": "lacks hard criteria ({criteria})",
    },
    "priority.reason.tied": {
        "vi": "khả năng năm {year} ngang các xã ít tiêu chí hơn (chênh lệch nằm trong sai số mô "
        "phỏng ±{points} điểm %)",
        "en": "tied in {year} with communes meeting fewer criteria (difference within the "
        "simulation error, ±{points} points)",
    },
    "priority.reason.behind": {
        "vi": "khả năng năm {year} thấp hơn một số xã ít tiêu chí hơn",
        "en": "lower in {year} than some communes meeting fewer criteria",
    },
    "priority.reason.ceiling": {
        "vi": "đã chững ở mức trần {peak}: xã đạt chuẩn vẫn có thể mất tiêu chí khi đánh giá lại "
        "trước năm {year}",
        "en": "levelled off at {peak}: a commune meeting the standard can still lose a "
        "criterion at re-assessment before {year}",
    },
    "priority.reason.slow": {
        "vi": "tiến độ riêng của xã chậm hơn mức chung",
        "en": "its own past progress was slower than the average",
    },
    "priority.reason.fast": {
        "vi": "tiến độ riêng của xã nhanh hơn mức chung",
        "en": "its own past progress was faster than the average",
    },
    # [w2report] the printed report's priority table: short reasons, explained once below it
    # (the full sentences stay in the Excel workbook); keys priority.reason.short.<reason> and
    # priority.reason.legend.<reason>
    "priority.reason.short.next": {"vi": "có thể đạt năm {year}", "en": "may meet it in {year}"},
    "priority.reason.short.hard": {"vi": "TC khó: {criteria}", "en": "hard: {criteria}"},
    "priority.reason.short.tied": {
        "vi": "ngang xã ít TC hơn",
        "en": "tied with fewer-criteria communes",
    },
    "priority.reason.short.behind": {
        "vi": "thấp hơn xã ít TC hơn",
        "en": "below fewer-criteria communes",
    },
    "priority.reason.short.ceiling": {"vi": "chững ở {peak}", "en": "levelled at {peak}"},
    "priority.reason.short.slow": {"vi": "tiến độ riêng chậm", "en": "slow own progress"},
    "priority.reason.short.fast": {"vi": "tiến độ riêng nhanh", "en": "fast own progress"},
    "priority.reason.legend.title": {"vi": "Cách đọc cột “{column}”:", "en": "Reading “{column}”:"},
    "priority.reason.legend.next": {
        "vi": "“có thể đạt năm {next}”: khả năng đạt chuẩn ngay năm {next} từ {share} trở lên",
        "en": "“may meet it in {next}”: a chance of {share} or more of meeting the standard in "
        "{next}",
    },
    "priority.reason.legend.hard": {
        "vi": "“TC khó”: còn thiếu những tiêu chí mà theo mô hình khó đạt thêm nhất",
        "en": "“hard”: lacks criteria the model finds hardest to gain",
    },
    "priority.reason.legend.tied": {
        "vi": "“ngang xã ít TC hơn”: khả năng năm {year} ngang các xã đạt ít tiêu chí hơn "
        "(chênh lệch nằm trong sai số mô phỏng)",
        "en": "“tied with fewer-criteria communes”: its chance in {year} equals that of communes "
        "meeting fewer criteria (the difference is within the simulation error)",
    },
    "priority.reason.legend.behind": {
        "vi": "“thấp hơn xã ít TC hơn”: khả năng năm {year} thấp hơn một số xã đạt ít tiêu chí hơn",
        "en": "“below fewer-criteria communes”: its chance in {year} is below that of some "
        "communes meeting fewer criteria",
    },
    "priority.reason.legend.ceiling": {
        "vi": "“chững ở …”: khả năng đã dừng ở mức trần đó, vì xã đạt chuẩn vẫn có thể mất tiêu "
        "chí khi đánh giá lại trước năm {year}",
        "en": "“levelled at …”: its chance stops at that ceiling, since a commune meeting the "
        "standard can still lose a criterion at re-assessment before {year}",
    },
    "priority.reason.legend.slow": {
        "vi": "“tiến độ riêng chậm/nhanh”: những năm qua xã tiến chậm hơn/nhanh hơn mức chung",
        "en": "“slow/fast own progress”: its past progress was slower/faster than the average",
    },
    "priority.reason.legend.end": {
        "vi": "Câu giải thích đầy đủ của từng xã có trong tệp Excel.",
        "en": "Each commune's full explanation is in the Excel workbook.",
    },
    "brief.title": {"vi": "Tóm tắt cho phiên họp", "en": "Hearing brief"},
    "brief.subtitle": {
        "vi": "Số liệu đến năm {as_of}; dự báo đến năm {year}; {draws} lần mô phỏng",
        "en": "Data to {as_of}; forecast to {year}; {draws} simulations",
    },
    "brief.priority": {
        "vi": "Các xã có khả năng đạt chuẩn NTM sớm nhất",
        "en": "The communes most likely to meet the NTM standard next",
    },
    "brief.priority_sentence": {
        "vi": "Các xã có khả năng đạt chuẩn sớm nhất: {communes}.",
        "en": "The communes most likely to meet the standard next: {communes}.",
    },
    "brief.priority_item": {"vi": "{name} ({prob} năm {year})", "en": "{name} ({prob} in {year})"},
    "brief.caveat": {
        "vi": "Dự báo giả định những năm tới diễn ra như các năm đã quan sát; chính sách hay nguồn "
        "vốn mới chưa được tính. Khoảng dự báo là mức tối thiểu của độ bất định.",
        "en": "The forecast assumes the coming years behave like the observed ones; new policies "
        "or funds are not included. Its ranges are a floor on the uncertainty.",
    },
    "brief.source": {
        "vi": "Nguồn: ntm-analysis {version}; tóm tắt của báo cáo đầy đủ cùng thư mục.",
        "en": "Source: ntm-analysis {version}; a summary of the full report in the same folder.",
    },
    "slides.title": {
        "vi": "{unit}: số xã đạt chuẩn nông thôn mới đến năm {year}",
        "en": "{unit}: communes meeting the new rural standard by {year}",
    },
    "slides.subtitle": {
        "vi": "Dự báo cho phiên họp · số liệu đến năm {as_of}",
        "en": "Forecast for the hearing · data to {as_of}",
    },
    "slides.headline": {"vi": "Kết luận", "en": "The answer"},
    "slides.limits": {"vi": "Giới hạn của dự báo", "en": "Limits of the forecast"},
    "slides.keys": {
        "vi": "Phím ← → hoặc Page Up/Page Down để chuyển trang",
        "en": "← → or Page Up/Page Down to move between slides",
    },
    "slides.page": {"vi": "Trang {n}/{total}", "en": "Slide {n}/{total}"},
    "workbook.sheet.info": {"vi": "Thông tin", "en": "About"},
    "workbook.sheet.plan": {"vi": "Kế hoạch năm", "en": "Plan this year"},
    "workbook.sheet.priority": {"vi": "Danh sách ưu tiên", "en": "Priority list"},
    "workbook.info.unit": {"vi": "Đơn vị", "en": "Unit"},
    "workbook.info.as_of": {"vi": "Số liệu đến năm", "en": "Data up to"},
    "workbook.info.year": {"vi": "Dự báo đến năm", "en": "Forecast to"},
    "workbook.info.draws": {"vi": "Số lần mô phỏng", "en": "Simulations"},
    "workbook.info.version": {"vi": "Phiên bản ntm-analysis", "en": "ntm-analysis version"},
    "workbook.info.data": {"vi": "Dữ liệu", "en": "Data"},
    "workbook.info.real": {"vi": "Dữ liệu thực", "en": "Real data"},
    "workbook.info.synthetic": {"vi": "DỮ LIỆU MÔ PHỎNG", "en": "SYNTHETIC DATA"},
    "workbook.info.sheets": {"vi": "Các trang tính", "en": "Sheets"},
    "hearing.pack.failed": {
        "vi": "Không tạo được bộ tài liệu phiên họp cho {unit}: {error}",
        "en": "Could not make the hearing pack for {unit}: {error}",
    },
    "hearing.link.label": {"vi": "Tài liệu cho phiên họp:", "en": "For the hearing:"},
    "hearing.link.districts": {
        "vi": "Tài liệu cho phiên họp của từng huyện:",
        "en": "Hearing documents of each district:",
    },
    "hearing.link.brief": {"vi": "tóm tắt 1 trang (HTML)", "en": "one-page brief (HTML)"},
    "hearing.link.brief_pdf": {"vi": "tóm tắt 1 trang (PDF)", "en": "one-page brief (PDF)"},
    "hearing.link.slides": {"vi": "bản trình chiếu (HTML)", "en": "slides (HTML)"},
    "hearing.link.slides_pdf": {"vi": "bản trình chiếu (PDF)", "en": "slides (PDF)"},
    "hearing.link.workbook": {"vi": "các bảng số liệu (Excel)", "en": "all tables (Excel)"},
    # --- end of the planner's year block -------------------------------------------------------
    # --- forecast
    "report.coef.recognised": {
        "vi": "Xã đã đạt chuẩn (thêm vào khả năng mất một tiêu chí)",
        "en": "Commune already recognised (added to the odds of losing a criterion)",
    },
}

_TABLE.update(ERRORS)  # data-error messages: kept in their own module (they are many)
_TABLE.update(ADMIN)  # administrative units and boundary changes (i18n_admin.py)


def check_lang(lang: str) -> str:
    """``lang`` if supported; a clear error otherwise (a typo must not fall back silently)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def keys() -> Iterator[str]:
    """Every translation key, e.g. for tests and for listing in documentation."""
    return iter(_TABLE)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template expects (what ``t`` must be given to fill it)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Raises ``KeyError`` for an unknown key so a typo fails loudly instead of printing the key
    on a chart. The result is NFC so it renders with precomposed Vietnamese glyphs.
    """
    check_lang(lang)
    try:
        template = _TABLE[key][lang]
    except KeyError:
        raise KeyError(f"no translation for {key!r}") from None
    text = template.format(**fmt) if fmt else template
    return unicodedata.normalize("NFC", text)


MINUS = "\u2212"  # the minus sign, not the hyphen "-"


def _group_digits(integer_digits: str, sep: str) -> str:
    groups = []
    while len(integer_digits) > 3:
        groups.append(integer_digits[-3:])
        integer_digits = integer_digits[:-3]
    groups.append(integer_digits)
    return sep.join(reversed(groups))


def fmt_number(x: float, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """``x`` written the way a reader of ``lang`` expects: vi "1.234,5", en "1,234.5".

    Missing values (None/NaN) become an en dash rather than "nan", which means nothing to a
    reader. Negative numbers take a real minus sign ("−2,5", U+2212, as typeset text does),
    and a value that rounds to zero is written without one.
    """
    check_lang(lang)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{float(x):.{decimals}f}"
    negative = text.startswith("-")
    text = text.lstrip("-")
    integer, _, fraction = text.partition(".")
    thousands, decimal = (".", ",") if lang == "vi" else (",", ".")
    out = _group_digits(integer, thousands) + (decimal + fraction if fraction else "")
    if negative and any(ch not in "0" for ch in integer + fraction):
        out = MINUS + out
    return out


def fmt_percent(p: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """A probability or share (0–1) as a percentage: "23%", and "<1%"/">99%" at the ends.

    A simulated probability of 0 or 1 only means no draw fell the other way, so it is never
    written as a flat "0%" or "100%", which would read as certainty.
    """
    check_lang(lang)
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    pct = 100.0 * float(p)
    rounded = round(pct, decimals)
    smallest = 10.0**-decimals
    if pct >= 0.0 and rounded < smallest:
        return f"<{fmt_number(smallest, lang, decimals)}%"
    if pct <= 100.0 and rounded > 100.0 - smallest:
        return f">{fmt_number(100.0 - smallest, lang, decimals)}%"
    return f"{fmt_number(pct, lang, decimals)}%"


def fmt_share(s: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """An observed share (0–1, counted, not simulated) as a percentage.

    Unlike ``fmt_percent``, exactly 0 and exactly 1 are written "0%" and "100%": a counted
    share of zero is a fact. Other values near the ends still read "<1%"/">99%" so that
    "1 of 300 communes" is not rounded to "0%".
    """
    check_lang(lang)
    if s is not None and not (isinstance(s, float) and math.isnan(s)) and s in (0, 1):
        return f"{fmt_number(100 * s, lang, decimals)}%"
    return fmt_percent(s, lang, decimals)


# (lower bound, key): the first band whose bound p reaches is used. The cut points are the
# IPCC likelihood scale's (99%, 90%, 66%, 33%, 10%, 1%), made non-overlapping.
PROBABILITY_BANDS: tuple[tuple[float, str], ...] = (
    (0.99, "prob.almost_certain"),  # p >= 99%
    (0.90, "prob.very_likely"),  # 90% <= p < 99%
    (0.66, "prob.likely"),  # 66% <= p < 90%
    (0.33, "prob.as_likely_as_not"),  # 33% <= p < 66%
    (0.10, "prob.unlikely"),  # 10% <= p < 33%
    (0.01, "prob.very_unlikely"),  # 1% <= p < 10%
    (0.0, "prob.almost_impossible"),  # p < 1%
)


def probability_key(p: float) -> str:
    """The ``prob.*`` key of the band holding ``p`` (see ``PROBABILITY_BANDS``)."""
    if p is None or not (0.0 <= float(p) <= 1.0):
        raise ValueError(f"probability must be between 0 and 1, got {p!r}")
    for lower, key in PROBABILITY_BANDS:
        if p >= lower:
            return key
    raise AssertionError("unreachable: the last band starts at 0")


def probability_words(p: float, lang: str = DEFAULT_LANG) -> str:
    """``p`` in plain words a non-statistician reads correctly, e.g. "rất có khả năng".

    Bands (lower bound inclusive), after the IPCC likelihood scale: >=99% almost certain,
    >=90% very likely, >=66% likely, >=33% about as likely as not, >=10% unlikely,
    >=1% very unlikely, below 1% almost impossible.
    """
    return t(probability_key(p), lang)


STATUSES: tuple[str, ...] = (
    "on_track",
    "needs_acceleration",
    "off_track",
    "regressing",
    "close_to_threshold",
)


def status_label(status: str, lang: str = DEFAULT_LANG) -> str:
    """The words for a progress status ("on_track" -> "Đúng tiến độ" / "On track")."""
    if status not in STATUSES:
        raise KeyError(f"unknown status {status!r}; expected one of {STATUSES}")
    return t(f"status.{status}", lang)


def synthetic_mark_text(lang: str = DEFAULT_LANG) -> str:
    """The label put on every output made from generated data."""
    return t("mark.synthetic", lang)


# the kinds of district-level unit (``district_type`` in a units file), folded -> key
_UNIT_KINDS: dict[str, str] = {
    "huyen": "unit.kind.rural_district",
    "thanh pho": "unit.kind.city",
    "thi xa": "unit.kind.town",
    "quan": "unit.kind.urban_district",
}


def unit_kind(district_type: str, lang: str = DEFAULT_LANG) -> str:
    """The kind of unit in lower case: "Thành phố" -> "thành phố" / "city", "Huyện" ->
    "huyện" / "district". An unknown type is kept as written in Vietnamese and is a
    "district" in English."""
    key = _UNIT_KINDS.get(fold(district_type))
    if key is not None:
        return t(key, lang)
    return nfc(district_type).lower() if check_lang(lang) == "vi" else t("unit.district", lang)


def unit_name(name: str, district_type: str, lang: str = DEFAULT_LANG) -> str:
    """A district-level unit's name in ``lang``: ("Tràng Định", "Huyện") -> "Huyện Tràng Định"
    / "Tràng Định district"; ("Thành phố Lạng Sơn", "Thành phố") -> "Thành phố Lạng Sơn" /
    "Lạng Sơn city" (a name that already starts with its type does not get it twice)."""
    name, kind = nfc(name), nfc(district_type)
    if fold(name).startswith(fold(kind) + " "):
        name = name.split(" ", len(kind.split(" ")))[-1]
    word = capitalize(kind) if check_lang(lang) == "vi" else unit_kind(kind, lang)
    return t("unit.named", lang, kind=word, name=name)


def capitalize(text: str) -> str:
    """First letter upper case, the rest untouched ("thành phố" -> "Thành phố")."""
    return text[:1].upper() + text[1:]
