#!/usr/bin/env python3
"""Writes the ILLUSTRATIVE 2023 criteria sets (frameworks/2023/{ministry,province}.toml).

The real 876/QĐ-BNV point tables are not public in our sources. These sets have the real structure
(fields, criterion and sub-criterion counts, survey points per level) with invented wording and points,
so the software can be exercised end to end. MoHA loads the official sets as data.

Usage: python3 frameworks/tools/make_illustrative.py   (rewrites both files; deterministic)
"""
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "2023"

# (field name vi, field name en, criteria count, sub-criteria count, field max, survey points,
#  imported points, criterion topics [(vi, en)])
MINISTRY = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", "Direction and management of PAR", 7, 6, "14.00", "4.50", "0", [
        ("Kế hoạch cải cách hành chính năm", "Annual PAR plan"),
        ("Công tác kiểm tra cải cách hành chính", "PAR inspection"),
        ("Công tác tuyên truyền cải cách hành chính", "PAR communication"),
        ("Sự năng động trong chỉ đạo, điều hành", "Dynamism in direction"),
        ("Thực hiện nhiệm vụ Chính phủ, Thủ tướng giao", "Tasks assigned by the Government"),
        ("Đổi mới, sáng kiến trong cải cách hành chính", "Innovation in PAR"),
    ]),
    ("Cải cách thể chế", "Institutional reform", 9, 15, "15.50", "4.50", "0", [
        ("Xây dựng văn bản quy phạm pháp luật", "Drafting legal documents"),
        ("Theo dõi thi hành pháp luật", "Monitoring law enforcement"),
        ("Rà soát, hệ thống hóa văn bản", "Reviewing legal documents"),
        ("Kiểm tra, xử lý văn bản", "Checking and handling documents"),
        ("Phổ biến, giáo dục pháp luật", "Legal education"),
        ("Chất lượng văn bản quy phạm pháp luật", "Quality of legal documents"),
        ("Thực hiện chương trình xây dựng luật, pháp lệnh", "Law-making programme"),
        ("Hướng dẫn thi hành văn bản", "Implementation guidance"),
    ]),
    ("Cải cách thủ tục hành chính", "Administrative procedure reform", 6, 19, "16.00", "5.50", "0", [
        ("Kiểm soát quy định thủ tục hành chính", "Control of procedure regulations"),
        ("Công bố, công khai thủ tục hành chính", "Publication of procedures"),
        ("Rà soát, đơn giản hóa thủ tục hành chính", "Simplifying procedures"),
        ("Thực hiện cơ chế một cửa, một cửa liên thông", "One-stop shop"),
        ("Tiếp nhận, xử lý phản ánh, kiến nghị", "Handling feedback"),
    ]),
    ("Cải cách tổ chức bộ máy hành chính", "Reform of the administrative apparatus", 4, 14, "12.50", "4.00", "0", [
        ("Sắp xếp tổ chức bộ máy", "Restructuring the apparatus"),
        ("Quản lý biên chế", "Staffing management"),
        ("Phân cấp, phân quyền", "Decentralisation"),
    ]),
    ("Cải cách chế độ công vụ", "Civil service reform", 6, 16, "14.50", "4.50", "0", [
        ("Vị trí việc làm", "Job positions"),
        ("Tuyển dụng công chức, viên chức", "Recruitment"),
        ("Bổ nhiệm lãnh đạo", "Appointment of leaders"),
        ("Đánh giá, xếp loại công chức", "Performance assessment"),
        ("Đào tạo, bồi dưỡng", "Training"),
    ]),
    ("Cải cách tài chính công", "Public finance reform", 3, 13, "11.00", "3.50", "0", [
        ("Quản lý, sử dụng ngân sách", "Budget management"),
        ("Cơ chế tự chủ đơn vị sự nghiệp công lập", "Autonomy of public service units"),
    ]),
    ("Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", "E-government and digital government", 3, 14, "16.50", "5.00", "0", [
        ("Hạ tầng, nền tảng số", "Digital infrastructure"),
        ("Cung cấp dịch vụ công trực tuyến", "Online public services"),
    ]),
]

PROVINCE = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", "Direction and management of PAR", 6, 7, "9.00", "3.00", "0", [
        ("Kế hoạch cải cách hành chính năm", "Annual PAR plan"),
        ("Công tác kiểm tra cải cách hành chính", "PAR inspection"),
        ("Công tác tuyên truyền cải cách hành chính", "PAR communication"),
        ("Sự năng động trong chỉ đạo, điều hành", "Dynamism in direction"),
        ("Đổi mới, sáng kiến trong cải cách hành chính", "Innovation in PAR"),
    ]),
    ("Cải cách thể chế", "Institutional reform", 4, 8, "10.00", "3.50", "0", [
        ("Xây dựng văn bản quy phạm pháp luật của tỉnh", "Provincial legal documents"),
        ("Rà soát, kiểm tra văn bản", "Reviewing documents"),
        ("Tổ chức thi hành pháp luật", "Law enforcement"),
    ]),
    ("Cải cách thủ tục hành chính", "Administrative procedure reform", 5, 14, "13.00", "4.00", "0", [
        ("Công bố, công khai thủ tục hành chính", "Publication of procedures"),
        ("Rà soát, đơn giản hóa thủ tục hành chính", "Simplifying procedures"),
        ("Thực hiện cơ chế một cửa, một cửa liên thông", "One-stop shop"),
        ("Tiếp nhận, xử lý phản ánh, kiến nghị", "Handling feedback"),
    ]),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", "Reform of the state administrative apparatus", 4, 10, "10.00", "3.00", "0", [
        ("Sắp xếp tổ chức bộ máy", "Restructuring the apparatus"),
        ("Quản lý biên chế", "Staffing management"),
        ("Phân cấp quản lý", "Decentralisation"),
    ]),
    ("Cải cách chế độ công vụ", "Civil service reform", 6, 13, "13.50", "4.00", "0", [
        ("Vị trí việc làm", "Job positions"),
        ("Tuyển dụng công chức, viên chức", "Recruitment"),
        ("Bổ nhiệm lãnh đạo", "Appointment of leaders"),
        ("Đánh giá, xếp loại công chức", "Performance assessment"),
        ("Kỷ luật, kỷ cương hành chính", "Administrative discipline"),
    ]),
    ("Cải cách tài chính công", "Public finance reform", 3, 7, "8.00", "2.50", "0", [
        ("Quản lý, sử dụng ngân sách", "Budget management"),
        ("Cơ chế tự chủ đơn vị sự nghiệp công lập", "Autonomy of public service units"),
    ]),
    ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", "E-government and digital local government", 5, 17, "14.00", "4.00", "0", [
        ("Hạ tầng, nền tảng số", "Digital infrastructure"),
        ("Cung cấp dịch vụ công trực tuyến", "Online public services"),
        ("Số hóa hồ sơ, kết quả giải quyết thủ tục", "Digitising records"),
        ("Ứng dụng công nghệ thông tin trong chỉ đạo, điều hành", "IT in management"),
    ]),
    ("Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội của tỉnh",
     "Impact of PAR on people, organisations and provincial socio-economic development", 4, 12, "22.50", "8.00", "5.00", [
        ("Tác động đến sự hài lòng của người dân, tổ chức", "Satisfaction of people and organisations"),
        ("Tác động đến thu hút đầu tư", "Investment attraction"),
        ("Tác động đến phát triển kinh tế - xã hội", "Socio-economic development"),
    ]),
]

SELF_SUBS = [
    ("Ban hành kịp thời", "Issued on time"),
    ("Mức độ hoàn thành", "Degree of completion"),
    ("Chất lượng thực hiện", "Quality of implementation"),
    ("Công khai kết quả", "Publication of results"),
    ("Kiểm tra, đôn đốc", "Follow-up and inspection"),
    ("Xử lý sau kiểm tra", "Action after inspection"),
    ("Báo cáo định kỳ", "Periodic reporting"),
]
SURVEY_SUBS = [
    ("Đánh giá về tính kịp thời", "Rated timeliness"),
    ("Đánh giá về chất lượng", "Rated quality"),
    ("Đánh giá về tính công khai, minh bạch", "Rated transparency"),
    ("Đánh giá về hiệu quả", "Rated effectiveness"),
]

Q = Decimal("0.25")


def split(total, n):
    """n amounts in quarter points, each > 0, adding up exactly to total."""
    quarters = int(Decimal(total) / Q)
    assert quarters >= n, (total, n)
    base, extra = divmod(quarters, n)
    return [(base + (1 if i < extra else 0)) * Q for i in range(n)]


def esc(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def build(level, fields, code, name_vi, name_en, total):
    out = [
        "# ILLUSTRATIVE criteria set: the real structure of 876/QĐ-BNV with invented wording and points.",
        "# Generated by frameworks/tools/make_illustrative.py; MoHA loads the official set as data.",
        "",
        "[set]",
        f'code = "{code}"',
        f'level = "{level}"',
        f'name_vi = "{esc(name_vi)}"',
        f'name_en = "{esc(name_en)}"',
        'legal_basis = "Minh họa theo cấu trúc Quyết định 876/QĐ-BNV ngày 10/11/2022 (không phải bảng điểm chính thức)"',
        "illustrative = true",
        f'total = "{total}"',
    ]
    counts = [0, 0]
    for fi, (fvi, fen, n_crit, n_sub, fmax, survey, imported, topics) in enumerate(fields, start=1):
        survey, imported = Decimal(survey), Decimal(imported)
        self_pts = Decimal(fmax) - survey - imported
        # The last criterion gathers the survey sub-criteria (and the imported figure, if any).
        k_survey = min(3, max(2, n_sub // 5))
        k_imported = 1 if imported else 0
        rest_subs = n_sub - k_survey - k_imported
        other = n_crit - 1
        # Spread the remaining sub-criteria round-robin over the other criteria; a criterion left
        # without any is scored itself, as some criteria of 876 are.
        per = [0] * other
        for i in range(rest_subs):
            per[i % other] += 1
        self_leaf_count = sum(p if p > 0 else 1 for p in per)
        self_amounts = iter(split(self_pts, self_leaf_count))
        out += ["", "[[field]]", f'code = "{fi}"', f'name_vi = "{esc(fvi)}"', f'name_en = "{esc(fen)}"', f'max = "{Decimal(fmax):.2f}"']
        for ci in range(1, n_crit + 1):
            ccode = f"{fi}.{ci}"
            counts[0] += 1
            if ci == n_crit:
                cvi, cen = "Đánh giá qua điều tra xã hội học và số liệu độc lập", "Survey-based and independent assessment"
                subs = [(s[0], s[1], a, "survey") for s, a in zip(SURVEY_SUBS, split(survey, k_survey))]
                if k_imported:
                    subs.append(("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "Satisfaction index (SIPAS)", imported, "imported"))
            else:
                cvi, cen = topics[(ci - 1) % len(topics)]
                if ci > len(topics):
                    cvi, cen = f"{cvi} (tiếp)", f"{cen} (continued)"
                n = per[ci - 1]
                if n == 0:
                    amount = next(self_amounts)
                    out += ["", "  [[field.criterion]]", f'  code = "{ccode}"', f'  name_vi = "{esc(cvi)}"', f'  name_en = "{esc(cen)}"',
                            f'  max = "{amount:.2f}"', '  method = "self"',
                            f'  guidance_vi = "Minh họa: {amount:.2f} điểm khi hoàn thành đầy đủ, đúng hạn, có tài liệu kiểm chứng; hoàn thành một phần chấm theo tỷ lệ."',
                            f'  guidance_en = "Illustrative: {amount:.2f} points when fully done on time with evidence; partly done scores pro rata."']
                    continue
                subs = [(f"{s[0]}: {cvi[0].lower() + cvi[1:]}", f"{s[1]}: {cen[0].lower() + cen[1:]}", next(self_amounts), "self")
                        for s in SELF_SUBS[:n]]
            cmax = sum(a for _, _, a, _ in subs)
            out += ["", "  [[field.criterion]]", f'  code = "{ccode}"', f'  name_vi = "{esc(cvi)}"', f'  name_en = "{esc(cen)}"', f'  max = "{cmax:.2f}"']
            for si, (svi, sen, amount, method) in enumerate(subs, start=1):
                counts[1] += 1
                guide = {
                    "self": ("Minh họa: chấm theo mức độ hoàn thành, có tài liệu kiểm chứng.", "Illustrative: scored by degree of completion, with evidence."),
                    "survey": ("Minh họa: điểm tính từ phiếu khảo sát của các nhóm đối tượng.", "Illustrative: points come from the questionnaires of the respondent groups."),
                    "imported": ("Minh họa: Bộ Nội vụ nhập kết quả Chỉ số SIPAS, quy đổi theo điểm tối đa.", "Illustrative: MoHA enters the SIPAS result, scaled to the max."),
                }[method]
                out += ["", "    [[field.criterion.sub]]", f'    code = "{ccode}.{si}"', f'    name_vi = "{esc(svi)}"', f'    name_en = "{esc(sen)}"',
                        f'    max = "{amount:.2f}"', f'    method = "{method}"', f'    guidance_vi = "{guide[0]}"', f'    guidance_en = "{guide[1]}"']
    return "\n".join(out) + "\n", counts


for level, fields, name_vi, name_en in [
    ("ministry", MINISTRY, "Bộ tiêu chí Chỉ số CCHC cấp bộ 2023 (minh họa)", "Ministry PAR Index criteria 2023 (illustrative)"),
    ("province", PROVINCE, "Bộ tiêu chí Chỉ số CCHC cấp tỉnh 2023 (minh họa)", "Province PAR Index criteria 2023 (illustrative)"),
]:
    text, counts = build(level, fields, f"876-2023-{level}-illustrative", name_vi, name_en, "100.00")
    want = (sum(f[2] for f in fields), sum(f[3] for f in fields))
    assert tuple(counts) == want, (level, counts, want)
    (OUT / f"{level}.toml").write_text(text, encoding="utf-8")
    print(level, "criteria", counts[0], "sub-criteria", counts[1])
