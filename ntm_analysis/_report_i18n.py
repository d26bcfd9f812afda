"""TEMPORARY: report/index/batch translation keys, to be moved into i18n._TABLE."""

KEYS: dict[str, dict[str, str]] = {
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
        "en": "Distribution of the count in {year}: the probability of at least so many "
        "communes.",
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
        "vi": "Tiêu chí còn thiếu ở các xã dự báo đạt 17–18 tiêu chí năm {year}",
        "en": "Criteria missing in communes forecast to end {year} with 17–18 met",
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
        "chuẩn {observed} số lần ({n} trường hợp, các năm gốc {origins}).",
        "en": "When the model gave a commune about {predicted}, it met the standard {observed} "
        "of the time ({n} cases, origin years {origins}).",
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
