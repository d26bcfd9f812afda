"""Data-error messages (keys ``error.*``), merged into the one translation table of ``i18n``.

They are many and change with the loader, so they live apart from the report's wording; they
are still one table (``i18n._TABLE``), looked up with ``i18n.t``. Each is one problem a planner
fixes in a spreadsheet, so the Vietnamese is the plain wording of an official's note, not a
programmer's: "tệp", "trang tính", "dòng", "cột". The English keeps the wording the loader
always had (logs and tests match it). User values are filled in as they are: a template
quotes them ('{value}') where the sentence needs it. ``validate.*`` is the one-line summary
of a file that loaded (``ntm validate``), the counterpart of these messages.

The other expected mistakes live here too: ``error.param.*`` (notebook and batch parameters,
``params.ParameterError``), ``error.scenario.*`` (``forecast.ScenarioError``) and
``error.output.*`` (the output folder, ``lock.OutputError``). Parameter and option names
(``as_of``, ``--districts``) stay as the user types them.
"""

from __future__ import annotations

ERRORS: dict[str, dict[str, str]] = {
    # --- the frame around every problem (errors.py) -----------------------------------------
    "error.header.one": {
        "vi": "Dữ liệu có {n} lỗi cần sửa:",
        "en": "{n} problem found in the data:",
    },
    "error.header.many": {
        "vi": "Dữ liệu có {n} lỗi cần sửa:",
        "en": "{n} problems found in the data:",
    },
    "error.more": {
        "vi": "… và {more} lỗi khác (chỉ liệt kê {shown} lỗi đầu tiên)",
        "en": "… and {more} more (showing the first {shown})",
    },
    "error.where.sheet": {"vi": "trang tính '{sheet}'", "en": "sheet '{sheet}'"},
    "error.where.row": {"vi": "dòng {row}", "en": "row {row}"},
    "error.where.column": {"vi": "cột '{column}'", "en": "column '{column}'"},
    "error.word.or": {"vi": "hoặc", "en": "or"},
    "error.word.and_or": {"vi": "và/hoặc", "en": "and/or"},
    # --- the file as a whole (load.py) ------------------------------------------------------
    "error.load.file_not_found": {"vi": "không tìm thấy tệp", "en": "file not found"},
    "error.load.is_folder": {
        "vi": "đây là thư mục, không phải tệp dữ liệu",
        "en": "this is a folder, not a data file",
    },
    "error.load.unsupported_type": {
        "vi": "không hỗ trợ loại tệp '{suffix}'; hãy dùng tệp .csv, .xlsx hoặc .parquet",
        "en": "unsupported file type '{suffix}'; use .csv, .xlsx or .parquet",
    },
    "error.load.not_xls": {
        "vi": "không mở được tệp Excel .xls: tệp bị hỏng hoặc đã đặt mật khẩu; hãy mở tệp bằng "
        "Excel và lưu lại dưới dạng .xlsx, không đặt mật khẩu",
        "en": "cannot open as an Excel .xls workbook: it is damaged or password-protected; "
        "open it in Excel and save it as .xlsx, no password",
    },
    "error.load.cannot_read_file": {
        "vi": "không đọc được tệp: {reason}",
        "en": "cannot read the file: {reason}",
    },
    "error.load.empty_bytes": {"vi": "tệp trống (0 byte)", "en": "the file is empty (0 bytes)"},
    "error.load.no_sheets": {
        "vi": "đã chỉ định sheet={wanted} nhưng tệp {suffix} không có trang tính",
        "en": "sheet={wanted} was given but a {suffix} file has no sheets",
    },
    "error.load.empty_text": {
        "vi": "tệp trống (không có nội dung)",
        "en": "the file is empty (no text)",
    },
    "error.load.empty_file": {"vi": "tệp trống", "en": "the file is empty"},
    "error.load.empty_sheet": {"vi": "trang tính trống", "en": "the sheet is empty"},
    "error.load.empty_workbook": {
        "vi": "tệp Excel không có dữ liệu",
        "en": "the workbook is empty",
    },
    "error.load.csv_cell_too_long": {
        "vi": "không đọc được tệp CSV: có một ô dài bất thường, không thể là ô của bảng số liệu",
        "en": "cannot read as CSV: a cell is longer than any table's",
    },
    "error.load.csv_error": {
        "vi": "không đọc được tệp CSV: {reason}",
        "en": "cannot read as CSV: {reason}",
    },
    "error.load.not_text": {
        "vi": "đây không phải tệp văn bản CSV: tệp có vẻ là {what}",
        "en": "this is not a text CSV file: it looks like {what}",
    },
    "error.load.binary": {
        "vi": "đây không phải tệp văn bản CSV: tệp chứa dữ liệu nhị phân",
        "en": "this is not a text CSV file: it contains binary data",
    },
    "error.load.undecodable": {
        "vi": "không giải mã được văn bản theo bảng mã UTF-8, UTF-16 hoặc Windows-1258 (tiếng "
        "Việt); hãy mở tệp bằng Excel và lưu lại dưới dạng 'CSV UTF-8'",
        "en": "cannot decode the text as UTF-8, UTF-16 or Windows-1258 (Vietnamese); save it "
        "from Excel as 'CSV UTF-8'",
    },
    "error.load.damaged_text": {
        "vi": "không giải mã được văn bản: tệp dùng bảng mã {encoding} nhưng byte thứ {byte} "
        "không hợp lệ, nên tệp bị hỏng hoặc bị mất phần cuối; hãy lưu lại từ Excel dưới dạng "
        "'CSV UTF-8'",
        "en": "cannot decode the text: it is {encoding} but byte {byte} is not valid "
        "{encoding}, so the file is damaged or cut short; save it again from Excel as "
        "'CSV UTF-8'",
    },
    "error.load.damaged_text_line": {
        "vi": "không giải mã được văn bản: tệp dùng bảng mã {encoding} nhưng byte thứ {byte} "
        "(dòng {line}) không hợp lệ, nên tệp bị hỏng hoặc bị mất phần cuối; hãy lưu lại từ "
        "Excel dưới dạng 'CSV UTF-8'",
        "en": "cannot decode the text: it is {encoding} but byte {byte} (line {line}) is not "
        "valid {encoding}, so the file is damaged or cut short; save it again from Excel as "
        "'CSV UTF-8'",
    },
    # what a file that is not what its name says looks like
    "error.load.kind.zip": {
        "vi": "tệp Excel (.xlsx) hoặc một tệp nén zip khác",
        "en": "an Excel workbook (.xlsx) or another zip archive",
    },
    "error.load.kind.xls": {
        "vi": "tệp Excel .xls định dạng cũ (hoặc tệp Excel đã đặt mật khẩu)",
        "en": "an old Excel .xls workbook (or an encrypted one)",
    },
    "error.load.kind.parquet": {"vi": "tệp Parquet", "en": "a Parquet file"},
    "error.load.kind.pdf": {"vi": "tài liệu PDF", "en": "a PDF document"},
    "error.load.kind.gzip": {"vi": "tệp nén gzip", "en": "a gzip-compressed file"},
    "error.load.kind.rar": {"vi": "tệp nén RAR", "en": "a RAR archive"},
    "error.load.kind.7z": {"vi": "tệp nén 7-Zip", "en": "a 7-Zip archive"},
    "error.load.kind.rtf": {"vi": "văn bản Word/RTF", "en": "a Word/RTF document"},
    # workbooks and Parquet files
    "error.load.no_such_sheet": {
        "vi": "không có trang tính {wanted}; các trang tính hiện có: {names}",
        "en": "there is no sheet {wanted}; the sheets are {names}",
    },
    "error.load.no_header_in_sheets": {
        "vi": "không trang tính nào có dòng tiêu đề trong {n} dòng đầu; các trang tính hiện "
        "có: {names}; cần có tiêu đề cột như {examples}",
        "en": "no sheet has a header row in its first {n} rows; the sheets are {names}; "
        "expected headers such as {examples}",
    },
    "error.load.not_xlsx": {
        "vi": "không mở được tệp Excel .xlsx: {why}",
        "en": "cannot open as an Excel .xlsx workbook: {why}",
    },
    "error.load.why.old_or_password": {
        "vi": "đây là tệp .xls định dạng cũ hoặc tệp đã đặt mật khẩu; hãy lưu lại dưới dạng "
        ".xlsx, không đặt mật khẩu",
        "en": "it is an old .xls or a password-protected workbook; save it as .xlsx, no password",
    },
    "error.load.why.damaged_zip": {
        "vi": "tệp bị hỏng (bị mất phần cuối?) hoặc là tệp nén zip không chứa bảng tính Excel",
        "en": "it is damaged (cut short?) or a zip archive without a workbook inside",
    },
    "error.load.why.not_a_workbook": {
        "vi": "đây không phải tệp Excel (tệp CSV hoặc tệp văn bản bị đổi đuôi thành .xlsx?)",
        "en": "it is not a workbook (a CSV or text file renamed .xlsx?)",
    },
    "error.load.damaged_sheet": {
        "vi": "không đọc được trang tính này: tệp Excel bị hỏng",
        "en": "cannot read this sheet: the workbook is damaged",
    },
    "error.load.parquet_looks_like": {
        "vi": "không đọc được tệp Parquet: đây không phải tệp Parquet (tệp có vẻ là {what})",
        "en": "cannot read as a Parquet file: it is not one (it looks like {what})",
    },
    "error.load.parquet_no_magic": {
        "vi": "không đọc được tệp Parquet: đây không phải tệp Parquet (tệp Parquet phải bắt "
        "đầu bằng 'PAR1')",
        "en": "cannot read as a Parquet file: it is not one (a Parquet file starts with 'PAR1')",
    },
    "error.load.parquet_damaged": {
        "vi": "không đọc được tệp Parquet: tệp bị hỏng ({reason})",
        "en": "cannot read as a Parquet file: it is damaged ({reason})",
    },
    # --- the header --------------------------------------------------------------------------
    "error.load.no_header": {
        "vi": "không tìm thấy dòng tiêu đề trong {n} dòng đầu; cần có tiêu đề cột như {examples}",
        "en": "no header row found in the first {n} rows; expected headers such as {examples}",
    },
    "error.load.no_data_rows": {
        "vi": "không có dòng số liệu nào bên dưới dòng tiêu đề (dòng {header_row})",
        "en": "no data rows below the header (row {header_row})",
    },
    "error.load.no_such_criterion": {
        "vi": "không có tiêu chí {n}: các tiêu chí được đánh số từ 1 đến {max}",
        "en": "there is no criterion {n}: criteria are numbered 1–{max}",
    },
    "error.load.same_meaning": {
        "vi": "cột này ({letter}) trùng nội dung với cột '{first}' ({first_letter}: {what}); "
        "chỉ giữ lại một trong hai cột",
        "en": "this column ({letter}) means the same as column '{first}' ({first_letter}: "
        "{what}); keep only one of them",
    },
    "error.load.missing_column": {
        "vi": "thiếu cột bắt buộc: {what}",
        "en": "missing required column: {what}",
    },
    "error.load.headed": {"vi": "{what}, có tiêu đề {headers}", "en": "{what}, headed {headers}"},
    "error.load.criterion_columns_wide": {
        "vi": "cột tiêu chí {absent}; tệp có mỗi dòng là một xã trong một năm phải có đủ các "
        "cột TC1…TC{n}",
        "en": "criterion column(s) {absent}; a file with one row per commune and year needs "
        "all of TC1…TC{n}",
    },
    "error.load.criterion_columns_long": {
        "vi": "các cột tiêu chí TC1…TC{n} (mỗi dòng là một xã trong một năm), hoặc cột "
        "{criterion} cùng với cột {met} (mỗi dòng là một tiêu chí của một xã trong một năm)",
        "en": "criterion columns TC1…TC{n} (one row per commune and year), or a {criterion} "
        "column with a {met} column (one row per commune, year and criterion)",
    },
    # what a column holds
    "error.load.what.commune_code": {"vi": "mã xã", "en": "the commune code"},
    "error.load.what.commune_name": {"vi": "tên xã", "en": "the commune name"},
    "error.load.what.district_code": {"vi": "mã huyện", "en": "the district code"},
    "error.load.what.district_name": {"vi": "tên huyện", "en": "the district name"},
    "error.load.what.year": {"vi": "năm", "en": "the year"},
    "error.load.what.criterion": {"vi": "số thứ tự tiêu chí", "en": "the criterion number"},
    "error.load.what.met": {
        "vi": "kết quả đạt hay chưa đạt tiêu chí",
        "en": "whether the criterion is met",
    },
    "error.load.what.difficult": {
        "vi": "đánh dấu xã đặc biệt khó khăn",
        "en": "the especially-difficult flag",
    },
    "error.load.what.n_met": {"vi": "số tiêu chí đạt", "en": "the number of criteria met"},
    "error.load.what.synthetic": {
        "vi": "đánh dấu dữ liệu mô phỏng",
        "en": "the synthetic-data flag",
    },
    "error.load.what.criterion_n": {"vi": "tiêu chí {n}", "en": "criterion {n}"},
    # --- cells -------------------------------------------------------------------------------
    "error.load.unreadable_cell": {
        "vi": "không đọc được giá trị '{value}'; cần nhập {expected}",
        "en": "cannot read '{value}': expected {expected}",
    },
    "error.load.empty_cell": {
        "vi": "ô để trống; cần nhập {expected}",
        "en": "cannot read an empty cell: expected {expected}",
    },
    "error.load.more_cells": {
        "vi": "… và {n} ô khác trong cột này, từ dòng này trở xuống, cũng không đọc được",
        "en": "… and {n} more unreadable cells in this column from this row on",
    },
    # what a cell should hold
    "error.load.expect.commune_code": {"vi": "mã xã", "en": "a commune code"},
    "error.load.expect.commune_name": {"vi": "tên xã", "en": "a commune name"},
    "error.load.expect.year": {
        "vi": "năm, ví dụ 2016 hoặc 'Năm 2016'",
        "en": "a year such as 2016 or 'Năm 2016'",
    },
    "error.load.expect.count": {"vi": "số nguyên từ 0 đến 19", "en": "a whole number 0–19"},
    "error.load.expect.criterion": {
        "vi": "số thứ tự tiêu chí từ 1 đến {n}, ví dụ 7, 'TC7' hoặc 'Tiêu chí 7'",
        "en": "a criterion number 1–{n} such as 7, 'TC7' or 'Tiêu chí 7'",
    },
    "error.load.expect.flag": {
        "vi": "Đạt hoặc Chưa đạt, 1 hoặc 0, x hoặc để trống, Có hoặc Không, TRUE hoặc FALSE",
        "en": "Đạt or Chưa đạt, 1 or 0, x or blank, Có or Không, TRUE or FALSE",
    },
    "error.load.stopped": {
        "vi": "đã dừng kiểm tra sau dòng {last}: gần như mọi dòng đã kiểm tra đều không đọc "
        "được (liệt kê bên dưới), nên phần còn lại của tệp lớn này chưa được kiểm tra; đề nghị "
        "xem lại có đúng tệp không và số liệu có nằm đúng dưới tiêu đề cột không",
        "en": "stopped after row {last}: nearly every row so far cannot be read (listed below), "
        "so the rest of this large file was not checked; is it the right file, with its "
        "columns under the right headers?",
    },
    "error.load.year_out_of_range": {
        "vi": "năm {year} nằm ngoài khoảng {min}–{max}",
        "en": "year {year} is outside {min}–{max}",
    },
    # --- districts ---------------------------------------------------------------------------
    "error.district.unknown": {
        "vi": "không tìm thấy huyện '{name}' ở {province}. Các huyện hiện có: {known}",
        "en": "unknown district '{name}' in {province}. Known districts: {known}",
    },
    "error.district.unknown_hint": {
        "vi": "không tìm thấy huyện '{name}' ở {province}; có phải là {suggestions} không? "
        "Các huyện hiện có: {known}",
        "en": "unknown district '{name}' in {province}; did you mean {suggestions}? "
        "Known districts: {known}",
    },
    "error.load.in_rows": {
        "vi": "{message} ({n} dòng; chỉ nêu dòng đầu tiên)",
        "en": "{message} ({n} rows; the first is shown)",
    },
    "error.load.unknown_district_code": {
        "vi": "không có mã huyện '{value}' ở {province}; các mã hiện có: {known}",
        "en": "unknown district code '{value}' in {province}; known: {known}",
    },
    "error.load.empty_district": {
        "vi": "chưa ghi huyện: cần nhập tên hoặc mã huyện",
        "en": "empty district: expected the district's name or code",
    },
    "error.load.district_disagrees": {
        "vi": "mã huyện là của {by_code} ({code}) nhưng tên huyện lại là {by_name}",
        "en": "the district code says {by_code} ({code}) but the district name says {by_name}",
    },
    # --- the rows together -------------------------------------------------------------------
    "error.load.duplicate": {
        "vi": "xã {code}, năm {year} xuất hiện nhiều lần (lần đầu ở dòng {first})",
        "en": "commune {code}, year {year} appears more than once (first at row {first})",
    },
    "error.load.duplicate_criterion": {
        "vi": "xã {code}, năm {year}, tiêu chí {criterion} xuất hiện nhiều lần (lần đầu ở "
        "dòng {first})",
        "en": "commune {code}, year {year}, criterion {criterion} appears more than once "
        "(first at row {first})",
    },
    "error.load.two_names": {
        "vi": "mã xã {code} có {n} tên khác nhau: {listed}",
        "en": "commune code {code} has {n} different names: {listed}",
    },
    "error.load.two_districts": {
        "vi": "mã xã {code} thuộc {n} huyện khác nhau: {listed}",
        "en": "commune code {code} has {n} different districts: {listed}",
    },
    "error.load.value_at_row": {"vi": "{value} (dòng {row})", "en": "{value} (row {row})"},
    "error.load.missing_years": {
        "vi": "xã {commune} không có dòng số liệu năm {years}, trong khi các xã khác đều có; "
        "mỗi xã phải có số liệu của tất cả các năm",
        "en": "commune {commune} has no row for year(s) {years}, which other communes have; "
        "every commune needs every year",
    },
    "error.load.missing_criteria": {
        "vi": "xã {code}, năm {year} không có dòng của tiêu chí {absent}; mỗi xã trong mỗi năm "
        "phải có đủ {n} tiêu chí",
        "en": "commune {code}, year {year} has no row for criteria {absent}; each commune and "
        "year needs all {n}",
    },
    "error.load.wrong_count": {
        "vi": "ghi {stated} tiêu chí đạt nhưng các cột tiêu chí của dòng này cho thấy "
        "{counted} tiêu chí đạt",
        "en": "says {stated} criteria met but the row's criterion columns show {counted}",
    },
    "error.load.difficult_disagrees": {
        "vi": "xã {code}, năm {year} được đánh dấu là xã đặc biệt khó khăn ở dòng {yes} nhưng "
        "không được đánh dấu ở dòng {no}; các dòng này phải thống nhất",
        "en": "commune {code}, year {year} is marked especially difficult in row {yes} but not "
        "in row {no}; its rows must agree",
    },
    "error.load.wrong_long_count": {
        "vi": "ghi {stated} tiêu chí đạt nhưng các dòng của xã {code}, năm {year} cho thấy "
        "{counted} tiêu chí đạt",
        "en": "says {stated} criteria met but the rows of commune {code}, year {year} show "
        "{counted}",
    },
    # --- the communes units file (load_panel(communes_path=…)) ------------------------------
    "error.load.not_in_units": {
        "vi": "xã {code} ({name}) không có trong tệp danh mục đơn vị {units}",
        "en": "commune {code} ({name}) is not in the units file {units}",
    },
    "error.load.not_in_units_same_name": {
        "vi": "xã {code} ({name}) không có trong tệp danh mục đơn vị {units}; tệp danh mục có "
        "'{listed}' với mã {listed_code}",
        "en": "commune {code} ({name}) is not in the units file {units}; the units file has "
        "'{listed}' with code {listed_code}",
    },
    "error.load.not_in_units_hint": {
        "vi": "xã {code} ({name}) không có trong tệp danh mục đơn vị {units}; có phải là "
        "{suggestions} không?",
        "en": "commune {code} ({name}) is not in the units file {units}; did you mean "
        "{suggestions}?",
    },
    "error.load.units_other_name": {
        "vi": "xã {code} có tên '{name}' nhưng tệp danh mục {units} ghi là '{listed}'",
        "en": "commune {code} is named '{name}' but the units file {units} calls it '{listed}'",
    },
    "error.load.units_other_district": {
        "vi": "xã {code} thuộc {here} trong tệp này nhưng thuộc {there} trong tệp danh mục {units}",
        "en": "commune {code} is in {here} here but in {there} in the units file {units}",
    },
    # --- the district units file (communes.py) ----------------------------------------------
    "error.units.unreadable": {
        "vi": "không đọc được tệp danh mục đơn vị: {reason}",
        "en": "cannot read the units file: {reason}",
    },
    "error.units.missing_columns": {
        "vi": "thiếu cột {missing}; cần có các cột {expected}",
        "en": "missing column(s) {missing}; expected {expected}",
    },
    "error.units.provinces": {
        "vi": "tệp chỉ được có một tỉnh, nhưng có {found}",
        "en": "expected one province, found {found}",
    },
    "error.units.repeated_codes": {
        "vi": "mã huyện bị lặp: {codes}",
        "en": "district codes repeated: {codes}",
    },
    # --- the targets file (targets.py) ------------------------------------------------------
    "error.targets.unreadable": {
        "vi": "không đọc được tệp mục tiêu: {reason}",
        "en": "cannot read the targets file: {reason}",
    },
    "error.targets.missing_columns": {
        "vi": "thiếu cột {missing}",
        "en": "missing column(s) {missing}",
    },
    "error.district_targets.year": {
        "vi": "không đọc được năm {value}; cần nhập năm, ví dụ 2020",
        "en": "cannot read the year {value}; expected a year such as 2020",
    },
    "error.district_targets.target": {
        "vi": "không đọc được mục tiêu {value}; cần số xã đạt chuẩn (số không âm, ví dụ 8) "
        "hoặc để trống nếu huyện chưa có mục tiêu",
        "en": "cannot read the target {value}; expected a number of communes (0 or more, "
        "e.g. 8) or a blank cell for a district without a target",
    },
    "error.district_targets.no_district": {
        "vi": "có mục tiêu nhưng thiếu tên huyện",
        "en": "a target without a district name",
    },
    "error.district_targets.repeated": {
        "vi": "huyện {name} đã có mục tiêu năm {year} ở dòng {first}",
        "en": "district {name} already has a {year} target in row {first}",
    },
    "error.targets.unknown_value": {
        "vi": "giá trị {value} không hợp lệ ở cột {name}; chỉ được là một trong {allowed}",
        "en": "unknown {name} {value}; expected one of {allowed}",
    },
    # --- a year or district asked for that the data does not have (report.py, cli.py) -------
    "error.data.as_of_not_in_data": {
        "vi": "năm mốc as_of {as_of} không có trong dữ liệu (dữ liệu có các năm {years})",
        "en": "as_of {as_of} is not a year of the data [{years}]",
    },
    "error.data.year_not_in_data": {
        "vi": "năm {year} không có trong dữ liệu (dữ liệu có các năm {years})",
        "en": "year {year} is not in the data [{years}]",
    },
    "error.data.district_no_communes": {
        "vi": "huyện '{name}' không có xã nào trong dữ liệu này",
        "en": "district '{name}' has no communes in this data",
    },
    # --- notebook and batch parameters (params.py, batch.py, executor.py) -------------------
    # Parameter and option names (as_of, --districts) are what the user typed: kept as they
    # are. A problem about one of them reads "name: what is wrong".
    "error.param.header": {
        "vi": "Tham số có {n} lỗi cần sửa:",
        "en": "{n} problem(s) with the parameters:",
    },
    "error.param.numpy": {
        "vi": "{where}: {type} {value} là giá trị kiểu {module}, không phải giá trị JSON thông "
        "thường; hãy chuyển đổi bằng {hint}",
        "en": "{where}: {type} {value} is a {module} value, not plain JSON; convert it with {hint}",
    },
    "error.param.hint.plain": {
        "vi": "một giá trị Python thông thường",
        "en": "a plain Python value",
    },
    "error.param.not_finite": {
        "vi": "{where}: {value} không phải là số hữu hạn",
        "en": "{where}: {value} is not a finite number",
    },
    "error.param.key_not_string": {
        "vi": "{where}: khóa {entry} phải là chuỗi ký tự (khóa của đối tượng JSON luôn là chuỗi)",
        "en": "{where}: key {entry} must be a string (JSON object keys are strings)",
    },
    "error.param.tuple": {
        "vi": "{where}: JSON không có kiểu tuple; hãy dùng list",
        "en": "{where}: a tuple is not JSON; use a list",
    },
    "error.param.not_json": {
        "vi": "{where}: không dùng được giá trị kiểu {type} trong JSON (hãy dùng None, bool, "
        "int, float, str, list hoặc dict)",
        "en": "{where}: {type} is not JSON-safe (use None, bool, int, float, str, list or dict)",
    },
    "error.param.none": {
        "vi": "{name}: không được để giá trị None",
        "en": "{name}: must not be None",
    },
    "error.param.wrong_type": {
        "vi": "{name}: cần {wanted}, nhưng nhận được {type} {value}",
        "en": "{name}: expected {wanted}, got {type} {value}",
    },
    "error.param.wrong_type_or_none": {
        "vi": "{name}: cần {wanted} hoặc None, nhưng nhận được {type} {value}",
        "en": "{name}: expected {wanted} or None, got {type} {value}",
    },
    "error.param.kind.int": {"vi": "một số nguyên", "en": "a whole number"},
    "error.param.kind.number": {"vi": "một số", "en": "a number"},
    "error.param.kind.str": {"vi": "một chuỗi ký tự", "en": "a string"},
    "error.param.kind.dict": {"vi": "một từ điển (dict)", "en": "a dict"},
    "error.param.not_a_choice": {
        "vi": "{name}: phải là một trong các giá trị {choices}, nhưng nhận được {value}",
        "en": "{name}: must be one of {choices}, got {value}",
    },
    "error.param.too_small": {
        "vi": "{name}: không được nhỏ hơn {minimum}, nhưng nhận được {value}",
        "en": "{name}: must be at least {minimum}, got {value}",
    },
    "error.param.too_large": {
        "vi": "{name}: không được lớn hơn {maximum}, nhưng nhận được {value}",
        "en": "{name}: must be at most {maximum}, got {value}",
    },
    "error.param.no_communes": {
        "vi": "{where}: {name} không có xã nào trong dữ liệu",
        "en": "{where}: {name} has no communes in the data",
    },
    "error.param.parameters_cell": {
        "vi": "{notebook}: cần đúng một ô được gắn thẻ 'parameters', nhưng có {n} ô",
        "en": "{notebook}: expected one cell tagged 'parameters', found {n}",
    },
    "error.param.injected_invalid": {
        "vi": "các tham số sẽ được đưa vào sổ tính dưới dạng mã Python không hợp lệ ({reason})",
        "en": "the parameters would be injected as invalid Python ({reason})",
    },
    "error.param.injected_code": {
        "vi": "các tham số sẽ được đưa vào sổ tính dưới dạng mã lệnh: {code}",
        "en": "the parameters would be injected as code: {code}",
    },
    "error.param.injected_value_code": {
        "vi": "tham số {name}: sẽ được đưa vào sổ tính dưới dạng mã lệnh, không phải giá trị: "
        "{code}",
        "en": "parameter {name}: would be injected as code, not a value: {code}",
    },
    "error.param.changed": {
        "vi": "tham số {name}: giá trị {value} sẽ bị thay đổi khi đưa vào sổ tính",
        "en": "parameter {name}: {value} would not reach the notebook unchanged",
    },
    "error.param.not_a_dict": {
        "vi": "các tham số phải là một từ điển (dict), nhưng nhận được {type}",
        "en": "parameters must be a dict, got {type}",
    },
    "error.param.name_not_string": {
        "vi": "tên tham số {name} phải là chuỗi ký tự",
        "en": "parameter name {name} must be a string",
    },
    "error.param.notebook_not_found": {
        "vi": "không tìm thấy sổ tính {path}",
        "en": "notebook {path} not found",
    },
    "error.param.unknown_for_notebook": {
        "vi": "{notebook} không có tham số {unknown}; các tham số được khai báo là {declared}",
        "en": "unknown parameter(s) {unknown} for {notebook}; it declares {declared}",
    },
    "error.param.missing": {
        "vi": "thiếu tham số {missing} của {notebook}",
        "en": "missing parameter(s) {missing} for {notebook}",
    },
    "error.param.undeclared": {
        "vi": "{notebook} khai báo tham số {undeclared} nhưng danh mục tham số "
        "(params.PARAMETERS) không có",
        "en": "{notebook} declares parameter(s) {undeclared} that the schema "
        "(params.PARAMETERS) does not know",
    },
    "error.param.unknown": {
        "vi": "không có tham số {name}; các tham số hiện có: {known}",
        "en": "unknown parameter {name}; known: {known}",
    },
    "error.param.file_not_found": {
        "vi": "{name}: không tìm thấy tệp {path}",
        "en": "{name}: file {path} not found",
    },
    "error.param.as_of_not_in_data": {
        "vi": "as_of: năm {as_of} không có trong dữ liệu ({first}–{last})",
        "en": "as_of: {as_of} is not a year of the data ({first}–{last})",
    },
    "error.param.as_of_first": {
        "vi": "as_of: {as_of} là năm đầu tiên của dữ liệu; mô hình cần số liệu ít nhất hai năm",
        "en": "as_of: {as_of} is the first year; the model needs at least two",
    },
    "error.param.target_year": {
        "vi": "target_year: năm mục tiêu {target_year} phải sau năm mốc {last}",
        "en": "target_year: {target_year} must be after the as-of year {last}",
    },
    "error.param.province_target": {
        "vi": "province_target: chỉ tiêu {target} lớn hơn tổng số xã ({total} xã)",
        "en": "province_target: {target} is more than the {total} communes",
    },
    "error.param.district_target": {
        "vi": "district_target: chỉ tiêu {target} lớn hơn số xã của huyện ({n} xã)",
        "en": "district_target: {target} is more than the district's {n} communes",
    },
    "error.param.unknown_priority": {
        "vi": "scenario: không có xã ưu tiên mang mã {codes} trong dữ liệu",
        "en": "scenario: unknown priority commune code(s) {codes}",
    },
    "error.param.nothing_to_run": {
        "vi": "không có gì để chạy: không chọn huyện nào và cũng không chọn báo cáo cấp tỉnh",
        "en": "nothing to run: no districts and no province",
    },
    "error.param.compare_with": {
        "vi": "--compare-with: thư mục {path} không có báo cáo nào đã chạy xong (cần "
        "manifest.json và thư mục results của một lần chạy ntm batch)",
        "en": "--compare-with: {path} holds no finished report (it needs the manifest.json and "
        "results folder of an ntm batch run)",
    },
    "error.param.no_chromium": {
        "vi": "pdf: không tìm thấy Chromium; hãy cài đặt (Debian/Ubuntu: apt-get install "
        "chromium, lệnh `make` tự làm việc này), hoặc đặt biến môi trường {env} là đường dẫn "
        "tới Chromium, hoặc chạy không có --pdf",
        "en": "pdf: Chromium not found; install it (Debian/Ubuntu: apt-get install chromium, "
        "which `make` does) or set {env} to its path, or run without --pdf",
    },
    "error.param.no_distributed": {
        "vi": "--dask cần gói tùy chọn 'distributed' nhưng gói này chưa được cài; hãy cài bằng "
        "lệnh: pip install 'ntm-analysis[dask]'",
        "en": "--dask needs the optional 'distributed' package, which is not installed; "
        "install it with: pip install 'ntm-analysis[dask]'",
    },
    "error.param.no_kernel": {
        "vi": "môi trường này chưa cài nhân (kernel) Jupyter {name}; hãy cài bằng lệnh: "
        "python -m ipykernel install --sys-prefix",
        "en": "the Jupyter kernel {name} is not installed in this environment; install it "
        "with: python -m ipykernel install --sys-prefix",
    },
    # --dask: every worker must see this machine's files (executor.check_dask_filesystem)
    "error.param.dask_no_workers": {
        "vi": "--dask: cụm Dask không có tiến trình worker nào",
        "en": "--dask: the Dask cluster has no workers",
    },
    "error.param.dask_check_failed": {
        "vi": "--dask: các worker của Dask không chạy được bước kiểm tra tệp ({error}); đã cài "
        "ntm-analysis trên mọi worker của Dask chưa?",
        "en": "--dask: the workers could not run the file check ({error}); is ntm-analysis "
        "installed on every worker?",
    },
    "error.param.dask_not_shared": {
        "vi": "--dask cần một hệ thống tệp dùng chung với các worker của Dask, ở cùng đường dẫn "
        "tuyệt đối như trên máy này (dữ liệu, các sổ tính, thư mục kết quả và thư mục bộ nhớ đệm)",
        "en": "--dask needs a filesystem shared with the workers, at the same absolute paths "
        "as on this machine (the data, the notebooks, the output and cache folders)",
    },
    "error.param.dask_worker": {
        "vi": "worker của Dask {worker}: {problem}",
        "en": "worker {worker}: {problem}",
    },
    "error.param.dask_probe_differs": {
        "vi": "tệp {path} ở worker của Dask có nội dung khác",
        "en": "{path} has other contents there",
    },
    "error.param.dask_unreadable": {
        "vi": "không đọc được {path}: {reason}",
        "en": "cannot read {path}: {reason}",
    },
    "error.param.dask_not_found": {
        "vi": "không tìm thấy {path}",
        "en": "{path} not found",
    },
    "error.param.dask_unwritable": {
        "vi": "không ghi được vào {path}: {reason}",
        "en": "cannot write to {path}: {reason}",
    },
    # --dask: every worker must run this very package (executor.check_dask_workers)
    "error.param.dask_version": {
        "vi": "có ntm-analysis {theirs}, còn máy này có {ours}",
        "en": "has ntm-analysis {theirs}, this machine has {ours}",
    },
    "error.param.dask_code": {
        "vi": "mã nguồn ntm-analysis khác với máy này (dấu vân tay {theirs}, ở đây {ours})",
        "en": "runs other ntm-analysis code (fingerprint {theirs}, here {ours})",
    },
    "error.param.dask_kernel": {
        "vi": "không có nhân (kernel) Jupyter {name} nạp được ntm-analysis ({reason})",
        "en": "has no Jupyter kernel {name} that imports ntm-analysis ({reason})",
    },
    "error.param.dask_chromium": {
        "vi": "không có Chromium để xuất báo cáo PDF (cài bằng apt-get install chromium, "
        "đặt biến {env}, hoặc chạy với --no-pdf)",
        "en": "has no Chromium to print the PDFs (apt-get install chromium, set {env}, "
        "or run with --no-pdf)",
    },
    # --- a broken installation: a file the package ships with is missing (paths) ----------
    "error.install.missing": {
        "vi": "bản cài đặt ntm-analysis bị hỏng: thiếu tệp {file}; hãy cài lại gói "
        "(pip install --force-reinstall ntm-analysis)",
        "en": "installation is broken: {file} missing; reinstall the package "
        "(pip install --force-reinstall ntm-analysis)",
    },
    "error.notebooks.differs": {
        "vi": "{path} đã có và khác sổ tính mẫu; chọn thư mục khác, hoặc thêm --force để ghi đè",
        "en": "{path} exists and differs from the template; choose another folder, or add "
        "--force to overwrite it",
    },
    # --- a scenario (forecast.Scenario) -----------------------------------------------------
    "error.forecast.as_of_not_in_data": {
        "vi": "năm dữ liệu cuối {as_of} không có trong dữ liệu ({years})",
        "en": "as-of year {as_of} is not a year of the data ({years})",
    },
    "error.forecast.target_not_after": {
        "vi": "năm mục tiêu {target_year} phải sau năm dữ liệu cuối {as_of}",
        "en": "target year {target_year} must be after the as-of year {as_of}",
    },
    "error.forecast.draws": {
        "vi": "số lần mô phỏng phải ít nhất là 1, nhận được {draws}",
        "en": "draws must be at least 1, got {draws}",
    },
    # --- forecast: gaps in the years (issue 13) ---
    "error.forecast.no_consecutive_years": {
        "vi": "không thể ước lượng mô hình: dữ liệu không có hai năm liên tiếp nào (các năm có: "
        "{years}); cần ít nhất hai năm đánh giá liền nhau",
        "en": "cannot fit the model: the data have no two consecutive years (years present: "
        "{years}); at least two adjacent assessment years are needed",
    },
    "error.scenario.unknown_communes": {
        "vi": "kịch bản '{name}': không có xã mang mã {codes}",
        "en": "scenario '{name}': unknown commune code(s) {codes}",
    },
    "error.scenario.invalid": {
        "vi": "kịch bản không hợp lệ: {problems}",
        "en": "invalid scenario: {problems}",
    },
    "error.scenario.unknown_key": {
        "vi": "khóa kịch bản {entry} không hợp lệ",
        "en": "unknown scenario key {entry}",
    },
    "error.scenario.odds_not_mapping": {
        "vi": "criterion_odds phải là ánh xạ từ số thứ tự tiêu chí sang hệ số nhân, ví dụ "
        "{example}",
        "en": "criterion_odds must be a mapping such as {example}",
    },
    "error.scenario.not_a_criterion": {
        "vi": "criterion_odds: {entry} không phải số thứ tự tiêu chí từ 1 đến 19",
        "en": "criterion_odds: {entry} is not a criterion number 1–19",
    },
    "error.scenario.criterion_range": {
        "vi": "criterion_odds: tiêu chí phải từ 1 đến 19, nhưng nhận được {criterion}",
        "en": "criterion_odds: criterion must be 1–19, got {criterion}",
    },
    "error.scenario.odds_not_number": {
        "vi": "criterion_odds[{entry}]: cần một số, nhưng nhận được {value}",
        "en": "criterion_odds[{entry}]: expected a number, got {value}",
    },
    "error.scenario.odds_not_positive": {
        "vi": "criterion_odds[{entry}]: hệ số nhân tỷ số chênh phải là số dương",
        "en": "criterion_odds[{entry}]: odds must be positive",
    },
    "error.scenario.communes_not_list": {
        "vi": "priority_communes phải là danh sách mã xã",
        "en": "priority_communes must be a list of commune codes",
    },
    "error.scenario.priority_not_number": {
        "vi": "priority_odds: cần một số, nhưng nhận được {value}",
        "en": "priority_odds: expected a number, got {value}",
    },
    "error.scenario.priority_not_positive": {
        "vi": "priority_odds phải là số dương",
        "en": "priority_odds must be positive",
    },
    "error.scenario.bad_name": {
        "vi": "name (tên kịch bản) không được để trống và phải là chuỗi ký tự",
        "en": "name must be a non-empty string",
    },
    # a scenario made in code or from --boost/--priority (Scenario itself)
    "error.scenario.criterion": {
        "vi": "kịch bản {name}: tiêu chí phải từ 1 đến 19, nhưng nhận được {criterion}",
        "en": "scenario {name}: criterion must be 1–19, got {criterion}",
    },
    "error.scenario.odds": {
        "vi": "kịch bản {name}: hệ số nhân tỷ số chênh phải là số dương, nhưng nhận được {odds}",
        "en": "scenario {name}: odds must be positive, got {odds}",
    },
    "error.scenario.priority": {
        "vi": "kịch bản {name}: priority_odds phải là số dương",
        "en": "scenario {name}: priority_odds must be positive",
    },
    # --- the output folder (lock.py) --------------------------------------------------------
    "error.output.unwritable": {
        "vi": "không ghi được vào thư mục kết quả {out}: {reason}",
        "en": "cannot write to the output folder {out}: {reason}",
    },
    "error.output.locked": {
        "vi": "một lượt chạy ntm batch khác đang ghi vào {out} ({holder}); hãy chờ lượt đó "
        "chạy xong hoặc dùng thư mục --out khác",
        "en": "another ntm batch is writing to {out} ({holder}); wait for it to finish or use "
        "another --out folder",
    },
    "error.output.holder": {
        "vi": "tiến trình {pid}, lượt chạy {run}, bắt đầu lúc {started}",
        "en": "process {pid}, run {run}, started {started}",
    },
    "error.output.holder_starting": {
        "vi": "một tiến trình vừa khởi động",
        "en": "a process that has just started",
    },
    # --- the explorer as a local web app (`ntm explore`, explorer_server.py) ----------------
    "error.explore.no_voila": {
        "vi": "chưa cài Voilà: pip install voila ipywidgets (hoặc make)",
        "en": "Voilà is not installed: pip install voila ipywidgets (or make)",
    },
    "error.explore.stopped": {
        "vi": "máy chủ Voilà dừng (mã {code}) trước khi sẵn sàng",
        "en": "the Voilà server stopped (exit code {code}) before it was ready",
    },
    "error.explore.timeout": {
        "vi": "máy chủ Voilà chưa sẵn sàng sau {seconds} giây",
        "en": "the Voilà server was not ready after {seconds} s",
    },
    # --- why the operating system refused (errors.os_reason) -------------------------------
    "error.os.no_such_file": {
        "vi": "không có tệp hoặc thư mục này",
        "en": "No such file or directory",
    },
    "error.os.permission_denied": {"vi": "không có quyền truy cập", "en": "Permission denied"},
    "error.os.not_permitted": {
        "vi": "thao tác không được phép",
        "en": "Operation not permitted",
    },
    "error.os.not_a_directory": {
        "vi": "một phần của đường dẫn không phải là thư mục",
        "en": "Not a directory",
    },
    "error.os.is_a_directory": {"vi": "đây là một thư mục", "en": "Is a directory"},
    "error.os.read_only": {
        "vi": "hệ thống tệp chỉ cho phép đọc",
        "en": "Read-only file system",
    },
    "error.os.no_space": {"vi": "ổ đĩa đã hết dung lượng", "en": "No space left on device"},
    "error.os.name_too_long": {"vi": "tên tệp quá dài", "en": "File name too long"},
    "error.os.exists": {"vi": "tệp đã tồn tại", "en": "File exists"},
    "error.os.quota": {"vi": "đã vượt hạn mức dung lượng đĩa", "en": "Disk quota exceeded"},
    # --- a file that loaded: the one line `ntm validate` prints (load.summarise) -------------
    "validate.summary": {
        "vi": "{communes} thuộc {districts}, {span} ({n_years})",
        "en": "{communes} in {districts}, {span} ({n_years})",
    },
    "validate.communes_one": {"vi": "{n} xã", "en": "{n} commune"},
    "validate.communes_many": {"vi": "{n} xã", "en": "{n} communes"},
    "validate.districts_one": {"vi": "{n} huyện", "en": "{n} district"},
    "validate.districts_many": {"vi": "{n} huyện", "en": "{n} districts"},
    "validate.years_one": {"vi": "{n} năm", "en": "{n} year"},
    "validate.years_many": {"vi": "{n} năm", "en": "{n} years"},
    "validate.span_one": {"vi": "năm {year}", "en": "year {year}"},
    "validate.span_many": {"vi": "{first}–{last}", "en": "years {first}–{last}"},
    "validate.synthetic": {
        "vi": "{summary}, dữ liệu mô phỏng",
        "en": "{summary}, synthetic demo data",
    },
    # --- batch
    "error.output.manifest_newer": {
        "vi": "{path} do phiên bản ntm-analysis mới hơn ghi (định dạng {version}); phiên "
        "bản này không đọc được: hãy cập nhật ntm-analysis hoặc dùng thư mục --out khác",
        "en": "{path} was written by a newer ntm-analysis (manifest layout {version}); this "
        "version cannot read it: update ntm-analysis or use another --out folder",
    },
}
