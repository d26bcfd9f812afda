"""Texts about administrative units and their changes (keys ``geo.*``, ``error.geo.*``).

Merged into the one translation table of ``i18n``. Unit words stay Vietnamese in both
languages ("xã Xuân Mai", "TT Văn Quan"): that is how the names appear in every official
list, and an English reader looks them up that way. Dates are written d/m/yyyy in both.
"""

from __future__ import annotations

ADMIN: dict[str, dict[str, str]] = {
    # --- lists and histories ------------------------------------------------------------------
    "error.geo.and": {"vi": "và", "en": "and"},
    "error.geo.history.dissolved": {
        "vi": "{code} là mã của {unit} đến hết {until}; đơn vị này giải thể từ {on}, "
        "nhập vào {into}",
        "en": "{code} was {unit} until {until}; dissolved on {on} into {into}",
    },
    "error.geo.history.recoded": {
        "vi": "{code} là mã của {unit} đến hết {until}; từ {on} {unit} mang mã {new_code}",
        "en": "{code} was the code of {unit} until {until}; from {on} {unit} has code {new_code}",
    },
    "error.geo.history.later": {
        "vi": "{code} là mã của {unit} chỉ từ {on}",
        "en": "{code} is {unit} only from {on}",
    },
    # --- errors in a file that uses real GSO codes ---------------------------------------------
    "error.geo.code_elsewhere": {
        "vi": "mã xã {code} ('{name}') không có trong danh mục đơn vị hành chính áp dụng cho năm "
        "{year} (danh mục {vintage}): {history}",
        "en": "commune code {code} ('{name}') is not in the list of units in force for {year} "
        "(the {vintage} list): {history}",
    },
    "error.geo.unknown_code": {
        "vi": "mã xã {code} ('{name}') không phải mã đơn vị hành chính nào của {province} trong "
        "các danh mục 2017–2025",
        "en": "commune code {code} ('{name}') is not a {province} unit in any list 2017–2025",
    },
    "error.geo.unknown_code_hint": {
        "vi": "mã xã {code} ('{name}') không phải mã đơn vị hành chính nào của {province} trong "
        "các danh mục 2017–2025; có phải là {suggestions}?",
        "en": "commune code {code} ('{name}') is not a {province} unit in any list 2017–2025; "
        "did you mean {suggestions}?",
    },
    "error.geo.wrong_name": {
        "vi": "trong danh mục {vintage}, mã {code} là {unit}, không phải '{name}'",
        "en": "in the {vintage} list, code {code} is {unit}, not '{name}'",
    },
    "error.geo.wrong_name_hint": {
        "vi": "trong danh mục {vintage}, mã {code} là {unit}, không phải '{name}'; "
        "'{name}' mang mã {other}",
        "en": "in the {vintage} list, code {code} is {unit}, not '{name}'; '{name}' has code "
        "{other}",
    },
    "error.geo.wrong_district": {
        "vi": "trong danh mục {vintage}, {unit} (mã {code}) thuộc huyện {district}, không phải "
        "huyện ghi ở dòng này",
        "en": "in the {vintage} list, {unit} (code {code}) is in {district}, not in the district "
        "given on this row",
    },
    "error.geo.incomplete_merge": {
        "vi": "{unit} (danh mục {vintage}) được hình thành từ {parts}; tệp không có dòng năm "
        "{year} của {missing}, nên không thể quy đổi",
        "en": "{unit} (the {vintage} list) was formed from {parts}; the file has no {year} row "
        "for {missing}, so it cannot be harmonised",
    },
    "error.geo.missing_years": {
        "vi": "{unit} không có dòng số liệu năm {years}; các bảng thay đổi địa giới không giải "
        "thích được sự vắng mặt này",
        "en": "{unit} has no row for year(s) {years}; the boundary change tables do not explain "
        "its absence",
    },
    "error.geo.backwards": {
        "vi": "không thể quy đổi về các đơn vị của danh mục {vintage}: tệp có năm {years} theo "
        "danh mục muộn hơn, mà số liệu của xã đã sáp nhập không thể tách ngược lại",
        "en": "cannot harmonise to the units of the {vintage} list: the file has year(s) {years} "
        "in later units, and merged communes' results cannot be split back",
    },
    "error.geo.no_districts": {
        "vi": "từ 01/07/2025 không còn cấp huyện: không thể chọn một huyện trên các đơn vị mới; "
        "hãy xem toàn tỉnh, hoặc nhóm theo huyện cũ (đến 30/6/2025)",
        "en": "there are no districts from 1 Jul 2025: no district can be chosen on the new "
        "units; use the province, or group by former district (until 30/6/2025)",
    },
    "error.geo.assessed_missing": {
        "vi": "quy tắc 'theo kết quả thẩm định': tệp {file} không có kết quả của {unit} năm {year}",
        "en": "rule 'as assessed': {file} has no assessment for {unit} in {year}",
    },
    "error.geo.assessed_unreadable": {
        "vi": "không đọc được tệp kết quả thẩm định {file}: {reason}",
        "en": "cannot read the assessment file {file}: {reason}",
    },
    "error.geo.rule": {
        "vi": "quy tắc quy đổi '{rule}' không hợp lệ; hãy chọn {allowed}",
        "en": "unknown merge rule '{rule}'; choose {allowed}",
    },
    "error.geo.vintage": {
        "vi": "danh mục '{vintage}' không có; các danh mục: {allowed}",
        "en": "no list '{vintage}'; the lists are {allowed}",
    },
    # --- notes (the file loads) ------------------------------------------------------------------
    "error.geo.note.old_name": {
        "vi": "dòng {row}: '{name}' là tên cũ của {unit} (mã {code}, đổi tên từ {on}); "
        "đã đọc là {unit}",
        "en": "row {row}: '{name}' is the former name of {unit} (code {code}, renamed on {on}); "
        "read as {unit}",
    },
    "error.geo.note.left_out": {
        "vi": "{unit} (toàn bộ hoặc một phần) nhập vào {into} từ {on}; thị trấn và phường không "
        "tính trong số xã NTM, nên phần này không đưa vào bảng quy đổi",
        "en": "{unit} (all or part of it) joined {into} on {on}; thị trấn and phường are not "
        "counted among NTM communes, so that part is not carried into the harmonised panel",
    },
    "error.geo.note.fallback": {
        "vi": "không đủ số dân của các phần hợp thành {units}: áp dụng quy tắc 'tất cả các phần "
        "đều đạt'",
        "en": "the people of every part are not known for {units}: rule 'all parts met it' used "
        "instead",
    },
    "error.geo.note.assessed_future": {
        "vi": "các năm dự báo chưa có kết quả thẩm định: áp dụng quy tắc 'tất cả các phần đều đạt'",
        "en": "forecast years have no assessment: rule 'all parts met it' used for them",
    },
    "error.geo.note.not_assessed": {
        "vi": "{unit} gồm cả {parts} (thị trấn/phường, không đánh giá theo tiêu chí NTM); "
        "chỉ các phần là xã được dùng",
        "en": "{unit} also takes in {parts} (thị trấn/phường, not assessed on the NTM "
        "criteria); only its xã parts are used",
    },
    # --- the rule, in plain words (panel and forecast metadata; reports) -------------------------
    "geo.rule.all": {"vi": "tất cả các phần đều đạt", "en": "all parts met it"},
    "geo.rule.largest": {"vi": "phần đông dân nhất đạt", "en": "the part with most people met it"},
    "geo.rule.assessed": {"vi": "theo kết quả thẩm định", "en": "as assessed"},
    "geo.rule.sentence.all": {
        "vi": "Số liệu được quy đổi về các đơn vị của danh mục {vintage} (toàn tỉnh {n} xã; "
        "{basis}). Xã hình thành "
        "do sáp nhập được tính là đạt một tiêu chí chỉ khi tất cả các phần hợp thành đều đạt "
        "tiêu chí đó; danh hiệu NTM không tự động chuyển sang xã mới.",
        "en": "Figures are harmonised to the units of the {vintage} list ({n} xã in the "
        "province; {basis}). A commune "
        "formed by a merger counts as meeting a criterion only if all its parts met it; NTM "
        "status never carries over automatically.",
    },
    "geo.rule.sentence.largest": {
        "vi": "Số liệu được quy đổi về các đơn vị của danh mục {vintage} (toàn tỉnh {n} xã; "
        "{basis}). Xã hình thành "
        "do sáp nhập nhận kết quả của phần đông dân nhất (nếu biết số dân của mọi phần; nếu "
        "không: tất cả các phần đều phải đạt).",
        "en": "Figures are harmonised to the units of the {vintage} list ({n} xã in the "
        "province; {basis}). A commune "
        "formed by a merger takes the results of its part with most people (where every "
        "part's people are known; otherwise all parts must have met it).",
    },
    "geo.rule.sentence.assessed": {
        "vi": "Số liệu được quy đổi về các đơn vị của danh mục {vintage} (toàn tỉnh {n} xã; "
        "{basis}). Xã hình thành "
        "do sáp nhập nhận kết quả thẩm định trong tệp {file}.",
        "en": "Figures are harmonised to the units of the {vintage} list ({n} xã in the "
        "province; {basis}). A commune "
        "formed by a merger takes the assessment given in {file}.",
    },
    "geo.unchanged": {
        "vi": "Số liệu theo các đơn vị của danh mục {vintage} ({basis}); không có thay đổi địa "
        "giới trong các năm của tệp.",
        "en": "Figures are on the units of the {vintage} list ({basis}); no boundary change "
        "within the file's years.",
    },
    "geo.target_vintage": {
        "vi": "{value} trên {n} xã, đặt năm {year} ({share} số xã)",
        "en": "{value} of {n} xã, set in {year} ({share} of the communes)",
    },
    "geo.denominator_change": {
        "vi": "Chỉ tiêu {value} xã đạt chuẩn được đặt năm {year} trên {n_from} xã; từ {on} tỉnh "
        "còn {n_to} xã, nên chỉ tiêu tương đương {share} tức khoảng {value_to} trên {n_to} xã.",
        "en": "The target of {value} NTM communes was set in {year} on {n_from} xã; from {on} "
        "the province has {n_to} xã, so the target is restated as {share}, about {value_to} of "
        "{n_to}.",
    },
    # --- commands: ntm units, ntm lineage --------------------------------------------------------
    "cli.help.cmd.units": {
        "vi": "liệt kê các đơn vị hành chính cấp xã có hiệu lực vào một ngày",
        "en": "list the commune-level units in force on a date",
    },
    "cli.help.cmd.lineage": {
        "vi": "lịch sử một đơn vị (tên hoặc mã): từ đâu mà có và đã chuyển thành gì",
        "en": "a unit's history (name or code): where it came from and what it became",
    },
    "cli.help.on": {
        "vi": "ngày, dạng YYYY-MM-DD (mặc định: hôm nay)",
        "en": "the date, YYYY-MM-DD (default: today)",
    },
    "cli.help.vintage": {
        "vi": "danh mục đơn vị hành chính để quy đổi số liệu (mặc định: danh mục của năm cuối "
        "trong tệp); chỉ dùng cho tệp có mã xã thật của Tổng cục Thống kê",
        "en": "the list of units to harmonise to (default: the list of the file's last year); "
        "only for files with real GSO commune codes",
    },
    "cli.help.merge_rule": {
        "vi": "cách tính tiêu chí của xã sáp nhập: all = tất cả các phần đều đạt (mặc định), "
        "largest = phần đông dân nhất đạt, assessed = theo tệp kết quả thẩm định (--assessed)",
        "en": "how a merged commune's criteria are combined: all = all parts met it (default), "
        "largest = the part with most people met it, assessed = as in the file --assessed",
    },
    "cli.help.assessed": {
        "vi": "tệp CSV kết quả thẩm định các xã sáp nhập (commune_code, year, TC1…TC19)",
        "en": "CSV of the merged communes' assessments (commune_code, year, TC1…TC19)",
    },
    "cli.crossing.count": {
        "vi": "Tính trên {n} xã của danh mục {vintage} (áp dụng cuối năm {year}): dự kiến {mean} "
        "xã đạt chuẩn (khoảng 80%: {low}–{high}); quy tắc quy đổi xã sáp nhập: {rule}.",
        "en": "Counted on the {n} xã of the {vintage} list (in force at the end of {year}): "
        "{mean} NTM communes expected (80% interval {low}–{high}); merge rule: {rule}.",
    },
    "cli.crossing.probability": {
        "vi": "Xác suất đạt tỷ lệ của chỉ tiêu ({target}): {p}",
        "en": "Probability of reaching the target's share ({target}): {p}",
    },
    "cli.help.unit_query": {"vi": "tên hoặc mã đơn vị", "en": "the unit's name or code"},
    "cli.units.title": {
        "vi": "{n} đơn vị cấp xã có hiệu lực ngày {on} (danh mục {vintage}: {basis}): "
        "{n_xa} xã, {n_tt} thị trấn, {n_p} phường",
        "en": "{n} commune-level units in force on {on} (the {vintage} list: {basis}): "
        "{n_xa} xã, {n_tt} thị trấn, {n_p} phường",
    },
    "cli.units.columns": {
        "vi": "mã|tên|huyện|huyện cũ",
        "en": "code|name|district|former district",
    },
    "cli.lineage.none": {
        "vi": "không tìm thấy đơn vị '{query}' trong các danh mục 2017–2025",
        "en": "no unit '{query}' in any list 2017–2025",
    },
    "cli.lineage.units": {"vi": "Đơn vị khớp với '{query}':", "en": "Units matching '{query}':"},
    "cli.lineage.unit": {
        "vi": "  danh mục {vintage}: {unit} (mã {code}{district})",
        "en": "  the {vintage} list: {unit} (code {code}{district})",
    },
    "cli.lineage.changes": {"vi": "Các thay đổi:", "en": "Changes:"},
    "cli.lineage.change": {
        "vi": "  {on}: {from_unit} ({from_code}) → {to_unit} ({to_code}): {relation}; nguồn "
        "{evidence}",
        "en": "  {on}: {from_unit} ({from_code}) → {to_unit} ({to_code}): {relation}; evidence "
        "{evidence}",
    },
    "cli.lineage.no_changes": {"vi": "  (không thay đổi)", "en": "  (no change)"},
    "geo.relation.whole": {"vi": "toàn bộ", "en": "whole"},
    "geo.relation.part": {"vi": "một phần", "en": "part"},
    "geo.relation.recode": {"vi": "đổi mã", "en": "new code"},
    "cli.error.bad_date": {
        "vi": "ngày '{value}' không hợp lệ; hãy viết dạng YYYY-MM-DD, ví dụ 2020-06-30",
        "en": "invalid date '{value}'; write it as YYYY-MM-DD, e.g. 2020-06-30",
    },
    # --- geo
    "geo.no_districts": {
        "vi": "Từ {on} không còn cấp huyện: số liệu tính cho toàn tỉnh, và khi cần thì nhóm "
        "theo huyện cũ (đến 30/6/2025).",
        "en": "There are no districts from {on}: figures are for the province, grouped where "
        "asked by former district (until 30/6/2025).",
    },
    "geo.former_district": {
        "vi": "Huyện cũ (đến 30/6/2025)",
        "en": "Former district (until 30/6/2025)",
    },
    "geo.section.former_districts": {
        "vi": "Theo huyện cũ (đến 30/6/2025): dự báo năm {year}",
        "en": "By former district (until 30/6/2025): forecast for {year}",
    },
    "geo.note.former_districts": {
        "vi": "Từ 1/7/2025 không còn cấp huyện. Các xã mới được nhóm theo huyện cũ của các phần "
        "hợp thành; xã hình thành từ hai huyện cũ là một nhóm riêng (ví dụ 'Cao Lộc + Văn "
        "Quan'). Các nhóm này không phải đơn vị hành chính.",
        "en": "There are no districts from 1 Jul 2025. The new communes are grouped by the "
        "former district of their parts; a commune formed across two former districts is a "
        "group of its own (e.g. 'Cao Lộc + Văn Quan'). These groups are not administrative "
        "units.",
    },
    "validate.no_districts": {
        "vi": "toàn tỉnh (không còn cấp huyện từ 1/7/2025)",
        "en": "the province (no districts from 1/7/2025)",
    },
    "plan.sentence.province_no_plan": {
        "vi": "Năm {year}, toàn tỉnh dự kiến có {expected} xã đạt chuẩn NTM (khoảng 95%: "
        "{lo}–{hi}); hiện có {now} xã.",
        "en": "In {year} the province is expected to have {expected} communes meeting the NTM "
        "standard (95% range {lo}–{hi}); it has {now} now.",
    },
    "geo.denominator_change_district": {
        "vi": "Chỉ tiêu {value} xã đạt chuẩn của huyện {district} được đặt năm {year} trên "
        "{n_from} xã của huyện; từ {on} huyện còn {n_to} xã, nên chỉ tiêu tương đương {share} "
        "tức khoảng {value_to} trên {n_to} xã.",
        "en": "The target of {value} NTM communes for {district} was set in {year} on the "
        "district's {n_from} xã; from {on} the district has {n_to} xã, so the target is "
        "restated as {share}, about {value_to} of {n_to}.",
    },
}
