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

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"

# key -> {"vi": ..., "en": ...}. Keys are dotted by kind: mark, unit, col, status, prob,
# headline, chart, axis, legend, group, cli.
_TABLE: dict[str, dict[str, str]] = {
    # --- marks -------------------------------------------------------------------------------
    "mark.synthetic": {
        "vi": "Dữ liệu mô phỏng — synthetic data",
        "en": "Synthetic data — dữ liệu mô phỏng",
    },
    "mark.synthetic_watermark": {"vi": "DỮ LIỆU MÔ PHỎNG", "en": "SYNTHETIC DATA"},
    # --- administrative units (lower case, for use inside sentences) -------------------------
    "unit.province": {"vi": "tỉnh", "en": "province"},
    "unit.district": {"vi": "huyện", "en": "district"},
    "unit.commune": {"vi": "xã", "en": "commune"},
    "unit.communes": {"vi": "xã", "en": "communes"},
    # --- table headers / column names --------------------------------------------------------
    "col.unit": {"vi": "Đơn vị", "en": "Unit"},
    "col.province": {"vi": "Tỉnh", "en": "Province"},
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
        "vi": "Số xã dự báo đạt chuẩn",
        "en": "Expected communes meeting the standard",
    },
    "col.interval80": {"vi": "Khoảng dự báo 80%", "en": "80% forecast interval"},
    "col.interval95": {"vi": "Khoảng dự báo 95%", "en": "95% forecast interval"},
    "col.now": {"vi": "Hiện nay", "en": "Now"},
    "col.target": {"vi": "Mục tiêu", "en": "Target"},
    "col.target_year": {"vi": "Năm mục tiêu", "en": "Target year"},
    "col.status": {"vi": "Đánh giá tiến độ", "en": "Progress"},
    "col.share_missing": {
        "vi": "Tỷ lệ xã gần đạt chuẩn còn thiếu tiêu chí",
        "en": "Share of near-standard communes missing the criterion",
    },
    "col.required_pace": {"vi": "Số xã cần đạt thêm mỗi năm", "en": "Communes needed per year"},
    "col.observed_pace": {
        "vi": "Số xã đạt thêm mỗi năm (thực tế)",
        "en": "Communes added per year (observed)",
    },
    # --- progress statuses (always shown as text, never as colour alone) --------------------
    "status.on_track": {"vi": "Đúng tiến độ", "en": "On track"},
    "status.needs_acceleration": {"vi": "Cần đẩy nhanh", "en": "Needs acceleration"},
    "status.off_track": {"vi": "Không đạt tiến độ", "en": "Off track"},
    "status.regressing": {"vi": "Đang giảm sút", "en": "Regressing"},
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
        "vi": "Khả năng đạt {target} xã đạt chuẩn NTM vào năm {year}: {prob} ({words}). "
        "Dự báo: {expected} xã (khoảng 80%: {lo}–{hi}).",
        "en": "Probability of reaching {target} NTM communes by {year}: {prob} ({words}). "
        "Forecast: {expected} communes (80% interval {lo}–{hi}).",
    },
    "headline.current": {
        "vi": "Năm {year}: {n_ntm}/{n_communes} xã đạt chuẩn NTM ({share}).",
        "en": "{year}: {n_ntm} of {n_communes} communes meet the NTM standard ({share}).",
    },
    "headline.pace": {
        "vi": "Cần thêm bình quân {required} xã đạt chuẩn mỗi năm; "
        "những năm gần đây đạt {observed} xã/năm.",
        "en": "On average {required} more communes a year must meet the standard; "
        "recent years added {observed} a year.",
    },
    "headline.expected_only": {
        "vi": "Dự báo năm {year}: {expected} xã đạt chuẩn NTM (khoảng 80%: {lo}–{hi}).",
        "en": "Forecast for {year}: {expected} communes meeting the NTM standard "
        "(80% interval {lo}–{hi}).",
    },
    "headline.already_met": {
        "vi": "Đã đạt mục tiêu {target} xã đạt chuẩn NTM (năm {year}: {n_ntm} xã).",
        "en": "The target of {target} NTM communes is already reached ({year}: {n_ntm}).",
    },
    # --- charts: shared ----------------------------------------------------------------------
    "chart.target_label": {"vi": "Mục tiêu: {value} ({year})", "en": "Target: {value} ({year})"},
    "chart.target_label_noyear": {"vi": "Mục tiêu: {value}", "en": "Target: {value}"},
    "chart.no_data": {"vi": "Không có dữ liệu", "en": "No data"},
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
    "legend.median": {"vi": "Dự báo (trung vị)", "en": "Forecast (median)"},
    # --- charts: district comparison ---------------------------------------------------------
    "chart.district.title": {
        "vi": "Các huyện: số xã đạt chuẩn hiện nay và dự báo",
        "en": "Districts: communes meeting the standard now and forecast",
    },
    "chart.district.numbers_header": {
        "vi": "Hiện nay → dự báo\n(khoảng 80%)",
        "en": "Now → forecast\n(80% interval)",
    },
    "legend.now": {"vi": "Hiện nay (thực tế)", "en": "Now (observed)"},
    "legend.now_year": {"vi": "Năm {year} (thực tế)", "en": "{year} (observed)"},
    "legend.expected": {
        "vi": "Năm mục tiêu (dự báo, khoảng 80%)",
        "en": "Target year (forecast, 80% interval)",
    },
    "legend.expected_year": {
        "vi": "Năm {year} (dự báo, khoảng 80%)",
        "en": "{year} (forecast, 80% interval)",
    },
    # --- charts: bottlenecks -----------------------------------------------------------------
    "chart.bottleneck.title": {
        "vi": "Tiêu chí còn thiếu ở các xã gần đạt chuẩn (đạt 15–18 tiêu chí)",
        "en": "Criteria still missing in near-standard communes (15–18 met)",
    },
    # --- charts: pace ------------------------------------------------------------------------
    "chart.pace.title": {
        "vi": "Tốc độ cần thiết và tốc độ thực tế",
        "en": "Pace needed and pace observed",
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
    "cli.reading": {"vi": "Đang đọc dữ liệu: {path}", "en": "Reading data: {path}"},
    "cli.writing": {"vi": "Đang ghi: {path}", "en": "Writing: {path}"},
    "cli.done": {
        "vi": "Hoàn thành. Kết quả lưu tại: {path}",
        "en": "Done. Results saved in: {path}",
    },
    "cli.synthetic_warning": {
        "vi": "Lưu ý: đây là dữ liệu mô phỏng, không phải số liệu thật.",
        "en": "Note: this is synthetic data, not real figures.",
    },
    "cli.data_errors": {
        "vi": "Dữ liệu có {n} lỗi cần sửa:",
        "en": "The data has {n} problem(s) to fix:",
    },
    "cli.unknown_district": {
        "vi": "Không tìm thấy huyện “{name}”.",
        "en": "Unknown district “{name}”.",
    },
    "cli.did_you_mean": {"vi": "Có phải là: {names}?", "en": "Did you mean: {names}?"},
    # =========================================================================================
    # Reports, the batch index page and batch messages (moved here from _report_i18n.py)
    # =========================================================================================
    # --- report: names of units and titles ---------------------------------------------------
    "report.unit.province": {"vi": "Tỉnh {name}", "en": "{name} province"},
    "report.title": {
        "vi": "{unit}: khả năng đạt chuẩn nông thôn mới đến năm {year}",
        "en": "{unit}: reaching the New Rural Development standard by {year}",
    },
    "report.title.overview": {
        "vi": "{unit}: tổng quan các huyện đến năm {year}",
        "en": "{unit}: the districts at a glance, to {year}",
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
        "vi": "Tốc độ cần thiết so với tốc độ thực tế",
        "en": "Required pace against observed pace",
    },
    "report.section.methods": {
        "vi": "Các phương pháp dự báo khác nhau ở đâu",
        "en": "Where the forecasting methods disagree",
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
        "vi": "Dữ liệu mô phỏng — synthetic data. Mọi con số trong báo cáo này được tạo ra để "
        "minh họa cách dùng công cụ, không phải kết quả thật của bất kỳ xã nào.",
        "en": "Synthetic data — dữ liệu mô phỏng. Every figure in this report was generated to "
        "demonstrate the tool; none is a real commune's result.",
    },
    "report.status.label": {"vi": "Đánh giá tiến độ:", "en": "Progress:"},
    "report.status.none": {
        "vi": "Không đánh giá tiến độ (đơn vị này chưa có mục tiêu)",
        "en": "No progress status (this unit has no target)",
    },
    "report.target.official": {
        "vi": "Mục tiêu: {target} xã đạt chuẩn vào năm {year} (chỉ tiêu kế hoạch chính thức).",
        "en": "Target: {target} communes meeting the standard by {year} (official plan target).",
    },
    "report.target.user": {
        "vi": "Mục tiêu: {target} xã đạt chuẩn vào năm {year} (do người dùng nhập, không phải "
        "chỉ tiêu chính thức).",
        "en": "Target: {target} communes meeting the standard by {year} (supplied by the user, "
        "not an official target).",
    },
    "report.target.none_district": {
        "vi": "Huyện này chưa có mục tiêu riêng. Báo cáo nêu số xã dự báo đạt chuẩn và phân bố "
        "của nó, không tính khả năng đạt mục tiêu, và không tự chia mục tiêu của tỉnh cho từng "
        "huyện: một cách chia như vậy không phải chỉ tiêu chính thức.",
        "en": "This district has no target of its own. The report gives the expected number of "
        "communes meeting the standard and its distribution, no probability of reaching a "
        "target, and does not split the province's target among districts: such a split would "
        "not be an official target.",
    },
    "report.target.none_province": {
        "vi": "Chưa có mục tiêu cho toàn tỉnh: báo cáo chỉ nêu số xã dự báo đạt chuẩn.",
        "en": "No province target was given: the report gives the expected count only.",
    },
    # --- report: now and trend ----------------------------------------------------------------
    "report.points": {"vi": "{value} điểm %", "en": "{value} pp"},
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
    # --- report: forecast ---------------------------------------------------------------------
    "report.forecast.sentence": {
        "vi": "Năm {year}: dự báo bình quân {expected} xã đạt chuẩn (trung vị {median}; khoảng "
        "80%: {lo80}–{hi80}; khoảng 95%: {lo95}–{hi95}).",
        "en": "{year}: on average {expected} communes meeting the standard are forecast "
        "(median {median}; 80% interval {lo80}–{hi80}; 95% interval {lo95}–{hi95}).",
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
    "report.col.median": {"vi": "Trung vị", "en": "Median"},
    "report.col.mean": {"vi": "Bình quân", "en": "Average"},
    # --- report: closest communes and bottlenecks -------------------------------------------
    "report.closest.sentence": {
        "vi": "{n} xã chưa đạt chuẩn có nhiều tiêu chí đạt nhất năm {as_of}. Cột cuối là khả "
        "năng mỗi xã đạt chuẩn vào năm {year} theo mô hình.",
        "en": "The {n} communes not yet meeting the standard with the most criteria met in "
        "{as_of}. The last column is the model's probability that each meets the standard in "
        "{year}.",
    },
    "report.closest.all_met": {
        "vi": "Tất cả các xã đã đạt chuẩn NTM.",
        "en": "Every commune already meets the NTM standard.",
    },
    "report.col.missing": {"vi": "Tiêu chí còn thiếu", "en": "Criteria still missing"},
    "report.col.n_missing": {"vi": "Số tiêu chí còn thiếu", "en": "Criteria missing"},
    "report.col.p_ntm_year": {
        "vi": "Khả năng đạt chuẩn năm {year}",
        "en": "Probability of meeting the standard in {year}",
    },
    "report.bottleneck.sentence": {
        "vi": "Các tiêu chí còn thiếu thường gặp nhất ở những xã được dự báo dừng ở 17–18 tiêu "
        "chí năm {year}: {criteria}.",
        "en": "The criteria most often missing in communes forecast to end {year} at 17–18 "
        "criteria: {criteria}.",
    },
    "report.bottleneck.none": {
        "vi": "Không có xã nào được dự báo dừng ở 17–18 tiêu chí năm {year}.",
        "en": "No commune is forecast to end {year} at 17–18 criteria.",
    },
    "report.bottleneck.chart_title": {
        "vi": "Tiêu chí còn thiếu ở xã đạt 17–18 TC năm {year} — {unit}",
        "en": "Missing criteria, communes at 17–18 in {year} — {unit}",
    },
    "report.heatmap.title": {
        "vi": "19 tiêu chí theo xã — {unit}, {year}",
        "en": "The 19 criteria by commune — {unit}, {year}",
    },
    "report.fan.title": {
        "vi": "Số xã đạt chuẩn NTM — {unit}",
        "en": "Communes meeting the standard — {unit}",
    },
    "report.col.share_now": {
        "vi": "Hiện nay ({year}): tỷ lệ xã đạt 15–18 TC còn thiếu",
        "en": "Now ({year}): share of communes at 15–18 missing it",
    },
    "report.col.share_forecast": {
        "vi": "Dự báo ({year}): tỷ lệ xã đạt 17–18 TC còn thiếu",
        "en": "Forecast ({year}): share of communes at 17–18 missing it",
    },
    # --- report: pace -------------------------------------------------------------------------
    "report.pace.sentence": {
        "vi": "Cần thêm bình quân {required} xã đạt chuẩn mỗi năm để đạt mục tiêu; {window} năm "
        "qua bình quân thêm {observed} xã/năm. Giữ tốc độ này thì năm {year} có khoảng "
        "{projected} xã.",
        "en": "On average {required} more communes a year must meet the standard to reach the "
        "target; the last {window} years added {observed} a year. At that pace there would be "
        "about {projected} in {year}.",
    },
    "report.pace.status": {
        "vi": "Đánh giá theo tốc độ (không dùng mô hình):",
        "en": "Status from the pace alone (no model):",
    },
    "report.pace.no_target": {
        "vi": "Chưa có mục tiêu nên không tính tốc độ cần thiết. {window} năm qua bình quân thêm "
        "{observed} xã đạt chuẩn mỗi năm.",
        "en": "With no target there is no required pace. The last {window} years added "
        "{observed} communes meeting the standard a year.",
    },
    # --- report: methods ----------------------------------------------------------------------
    "report.col.method": {"vi": "Phương pháp", "en": "Method"},
    "method.transition": {
        "vi": "Mô hình chính (mô phỏng từng xã)",
        "en": "Main model (commune-level simulation)",
    },
    "method.transition_no_trend": {
        "vi": "Mô hình chính, không có xu thế thời gian",
        "en": "Main model without the time trend",
    },
    "method.linear_trend": {"vi": "Đường xu thế tuyến tính", "en": "Linear trend"},
    "method.damped_trend": {
        "vi": "Xu thế giảm dần (san bằng mũ)",
        "en": "Damped trend (exponential smoothing)",
    },
    "method.persistence": {
        "vi": "Giữ nguyên như năm gốc",
        "en": "Persistence (as in the origin year)",
    },
    "report.methods.why": {
        "vi": "Phần đầu báo cáo dùng mô hình chính: mô hình này dùng số liệu của từng tiêu chí ở "
        "từng xã, tính đến việc xã càng gần chuẩn càng dễ đạt thêm tiêu chí, và khoảng dự báo "
        "tính cả sai số của chính mô hình. Hai đường xu thế chỉ dựa trên {n} con số hằng năm "
        "của đơn vị, nên khoảng dự báo của chúng thường quá hẹp (xem phần kiểm định).",
        "en": "The headline uses the main model: it uses every criterion of every commune, "
        "allows for communes close to the standard gaining criteria faster, and its intervals "
        "include the model's own uncertainty. The two trend lines rest on the unit's {n} "
        "yearly figures only, so their intervals are usually far too narrow (see the "
        "backtest).",
    },
    "report.methods.agree": {
        "vi": "Các phương pháp cho kết quả gần nhau.",
        "en": "The methods broadly agree.",
    },
    "report.methods.disagree": {
        "vi": "Các phương pháp khác nhau rõ rệt: {details}.",
        "en": "The methods clearly disagree: {details}.",
    },
    "report.methods.item": {
        "vi": "{method} dự báo {value} xã, mô hình chính {main} xã",
        "en": "{method} forecasts {value} communes against the main model's {main}",
    },
    # --- report: backtest ---------------------------------------------------------------------
    "report.backtest.sentence": {
        "vi": "Khi mô hình nói một xã có khả năng đạt chuẩn khoảng {predicted}, thực tế xã đạt "
        "chuẩn {observed} số lần ({n} trường hợp trong toàn tỉnh, dự báo từ các năm gốc "
        "{origins}).",
        "en": "When the model gave a commune about {predicted}, it met the standard {observed} "
        "of the time ({n} cases across the province, forecasts made in {origins}).",
    },
    "report.backtest.no_cases": {
        "vi": "Chưa có đủ trường hợp với xác suất dự báo từ 50% đến 90% để đánh giá (các năm "
        "gốc {origins}).",
        "en": "Too few cases with forecast probabilities between 50% and 90% to judge (origin "
        "years {origins}).",
    },
    "report.backtest.coverage": {
        "vi": "Khoảng dự báo 80% chứa giá trị thực: mô hình chính {main}, xu thế tuyến tính "
        "{linear}, xu thế giảm dần {damped} số lần (khoảng trung thực chứa khoảng 80%).",
        "en": "The 80% intervals contained the actual value: main model {main}, linear trend "
        "{linear}, damped trend {damped} of the time (an honest interval does so about 80% of "
        "the time).",
    },
    "report.backtest.skipped": {
        "vi": "Không chạy kiểm định trong báo cáo này.",
        "en": "The backtest was not run for this report.",
    },
    "report.backtest.too_short": {
        "vi": "Chuỗi số liệu quá ngắn để kiểm định (cần ít nhất bốn năm).",
        "en": "The data are too short to backtest (at least four years are needed).",
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
        "vi": "Dữ liệu mô phỏng (synthetic data): tạo ra để chạy thử công cụ, tái hiện vài con "
        "số cấp tỉnh đã công bố; tên và mã xã là tên giả. Không được trích dẫn như kết quả thật.",
        "en": "Synthetic data (dữ liệu mô phỏng): generated to demonstrate the tool, matching a "
        "few published province-level figures; commune names and codes are placeholders. Never "
        "cite them as real results.",
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
        "{year} (hạt giống ngẫu nhiên {seed}). Mỗi lần mô phỏng dùng một bộ hệ số riêng, nên "
        "khoảng dự báo có tính cả sai số của mô hình. Số liệu các huyện lấy từ cùng các lần mô "
        "phỏng của cả tỉnh, nên tổng các huyện luôn bằng toàn tỉnh.",
        "en": "Method: from the {first}–{as_of} data the model estimates each commune's yearly "
        "chance of gaining or losing each criterion, then simulates {draws} times from {as_of} "
        "to {year} (random seed {seed}). Each simulation draws its own coefficients, so the "
        "intervals include the model's uncertainty. District figures are slices of the same "
        "province-wide simulations, so the districts always add up to the province.",
    },
    "report.note.status": {
        "vi": "Đánh giá tiến độ theo khả năng đạt mục tiêu: từ {hi} trở lên là “{on_track}”, "
        "dưới {lo} là “{off_track}”, ở giữa là “{needs}”.",
        "en": "Progress status from the probability of reaching the target: {hi} or more is "
        "“{on_track}”, below {lo} “{off_track}”, in between “{needs}”.",
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
        "vi": "khả năng đạt {criterion} mỗi năm nhân {odds} lần (theo odds)",
        "en": "odds of gaining {criterion} each year multiplied by {odds}",
    },
    "report.scenario.priority": {
        "vi": "{n} xã ưu tiên, odds đạt thêm tiêu chí nhân {odds} lần",
        "en": "{n} priority communes, odds of gaining criteria multiplied by {odds}",
    },
    "report.note.version": {
        "vi": "Tạo bằng ntm-analysis {version}.",
        "en": "Made with ntm-analysis {version}.",
    },
    "report.footer": {
        "vi": "Lần chạy {run_id} · dữ liệu {data} · ntm-analysis {version} · {time}",
        "en": "Run {run_id} · data {data} · ntm-analysis {version} · {time}",
    },
    "col.share_of_province": {
        "vi": "Tỷ trọng trong số xã đạt chuẩn dự báo của tỉnh",
        "en": "Share of the province's forecast count",
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
    "index.link.notebook": {"vi": "notebook", "en": "notebook"},
    "index.link.results": {"vi": "số liệu (JSON)", "en": "figures (JSON)"},
    "index.failed.title": {"vi": "Đơn vị chạy lỗi", "en": "Units that failed"},
    "index.failed.item": {
        "vi": "{unit}: lỗi ở ô {cell} — {error}",
        "en": "{unit}: failed in cell {cell} — {error}",
    },
    "index.status.failed": {"vi": "Lỗi", "en": "Failed"},
    "index.no_target": {"vi": "Không có mục tiêu", "en": "No target"},
    "index.missing": {"vi": "Chưa có kết quả", "en": "No results"},
    "index.note_districts": {
        "vi": "Các huyện không có mục tiêu riêng: chỉ nêu số xã dự báo đạt chuẩn, không chia "
        "mục tiêu của tỉnh cho từng huyện.",
        "en": "Districts without a target of their own show the forecast count only; the "
        "province target is not split among districts.",
    },
    "cli.batch.failed": {
        "vi": "{n} đơn vị chạy lỗi:",
        "en": "{n} unit(s) failed:",
    },
    "cli.batch.summary": {
        "vi": "Xong: {ok} thành công, {skipped} giữ nguyên, {failed} lỗi; {seconds} giây. "
        "Mục lục: {index}",
        "en": "Done: {ok} succeeded, {skipped} up to date, {failed} failed; {seconds} s. "
        "Index: {index}",
    },
}


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
    reader. A value that rounds to zero is written without a minus sign.
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
        out = "-" + out
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


STATUSES: tuple[str, ...] = ("on_track", "needs_acceleration", "off_track", "regressing")


def status_label(status: str, lang: str = DEFAULT_LANG) -> str:
    """The words for a progress status ("on_track" -> "Đúng tiến độ" / "On track")."""
    if status not in STATUSES:
        raise KeyError(f"unknown status {status!r}; expected one of {STATUSES}")
    return t(f"status.{status}", lang)


def synthetic_mark_text(lang: str = DEFAULT_LANG) -> str:
    """The label put on every output made from generated data."""
    return t("mark.synthetic", lang)
