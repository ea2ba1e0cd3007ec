"""Writes the ILLUSTRATIVE 2023 questionnaires: one per respondent group and level, with one question per
survey sub-criterion of the illustrative criteria set, each about its own topic (TOPICS), on the A-E scale (A 100%, B 60%, C 20%, D 0%,
E "don't know"). The real questionnaires of 29/QĐ-BNV are not public in our sources; MoHA loads the
official ones as data.

    python3 frameworks/tools/make_questionnaires.py
"""

import os
import tomllib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "2023")

# What each survey sub-criterion asks about, by field number and aspect (the sub-criterion's last
# number: 1 timeliness, 2 quality, 3 openness), in Vietnamese and English. "{u}" is the unit rated:
# "tỉnh"/"province" or "bộ, ngành"/"ministry". Every question of a questionnaire reads differently,
# so that a respondent can tell them apart (`parindex questionnaire check` warns otherwise).
TOPICS = {
    (1, 1): ("tính kịp thời trong việc ban hành và triển khai kế hoạch cải cách hành chính năm 2023 của {u}",
             "the promptness with which the {u}'s 2023 administrative reform plan was issued and carried out"),
    (1, 2): ("hiệu quả chỉ đạo, điều hành cải cách hành chính của lãnh đạo {u}",
             "the effectiveness of the {u}'s leaders in directing administrative reform"),
    (2, 1): ("việc ban hành văn bản quy phạm pháp luật của {u} kịp thời, đúng tiến độ so với yêu cầu thực tiễn",
             "the promptness with which the {u} issues legal documents, as practice requires"),
    (2, 2): ("chất lượng văn bản quy phạm pháp luật do {u} ban hành (hợp pháp, khả thi, dễ áp dụng)",
             "the quality of the legal documents the {u} issues (lawful, workable, easy to apply)"),
    (2, 3): ("mức độ công khai, minh bạch trong việc lấy ý kiến về dự thảo văn bản quy phạm pháp luật của {u}",
             "the openness of the {u}'s consultation on its draft legal documents"),
    (3, 1): ("việc giải quyết hồ sơ thủ tục hành chính tại {u} đúng hoặc sớm hơn thời hạn quy định",
             "the settling of applications at the {u} on or before the legal deadline"),
    (3, 2): ("mức độ đơn giản, dễ thực hiện của thủ tục hành chính thuộc thẩm quyền của {u}",
             "the simplicity of the administrative procedures under the {u}'s authority"),
    (3, 3): ("việc công khai thủ tục hành chính, phí, lệ phí và kết quả giải quyết hồ sơ của {u}",
             "the publication of the {u}'s procedures, fees and the outcome of applications"),
    (4, 1): ("tiến độ sắp xếp, kiện toàn tổ chức bộ máy của {u}",
             "the pace of the {u}'s reorganisation of its agencies"),
    (4, 2): ("mức độ tinh gọn, hoạt động hiệu quả của các cơ quan, đơn vị thuộc {u} sau khi sắp xếp",
             "the leanness and effectiveness of the {u}'s agencies after the reorganisation"),
    (5, 1): ("việc tuyển dụng, bổ nhiệm cán bộ, công chức tại {u} kịp thời theo nhu cầu vị trí việc làm",
             "the promptness of recruitment and appointment to the {u}'s vacant posts"),
    (5, 2): ("tinh thần trách nhiệm, kỷ luật, kỷ cương của cán bộ, công chức thuộc {u}",
             "the sense of responsibility and discipline of the {u}'s civil servants"),
    (5, 3): ("mức độ công khai, minh bạch trong tuyển dụng, đánh giá và bổ nhiệm công chức tại {u}",
             "the openness of recruitment, appraisal and appointment of civil servants at the {u}"),
    (6, 1): ("việc phân bổ, giải ngân ngân sách và vốn đầu tư công của {u} kịp thời",
             "the promptness with which the {u} allocates and disburses its budget and public investment"),
    (6, 2): ("hiệu quả quản lý, sử dụng tài chính công và tài sản công tại {u}",
             "the {u}'s management and use of public finances and public assets"),
    (7, 1): ("tốc độ phản hồi, xử lý yêu cầu của các hệ thống thông tin và dịch vụ công trực tuyến của {u}",
             "the responsiveness of the {u}'s information systems and online public services"),
    (7, 2): ("chất lượng dịch vụ công trực tuyến của {u} (dễ sử dụng, ổn định, làm trọn quy trình trên mạng)",
             "the quality of the {u}'s online public services (easy to use, reliable, entirely online)"),
    (7, 3): ("mức độ đầy đủ, cập nhật và dễ tra cứu của thông tin trên cổng thông tin điện tử của {u}",
             "the completeness, freshness and ease of search of the information on the {u}'s web portal"),
    (8, 1): ("mức độ người dân, doanh nghiệp được giải quyết công việc nhanh hơn nhờ cải cách hành chính của tỉnh",
             "the speed with which people and businesses get their affairs settled thanks to the province's reform"),
    (8, 2): ("tác động của cải cách hành chính đến môi trường đầu tư, kinh doanh và phát triển kinh tế - xã hội của tỉnh",
             "the effect of administrative reform on the province's investment climate and development"),
}

UNIT = {"ministry": ("bộ, ngành", "ministry"), "province": ("tỉnh", "province")}


def topic(level, leaf_code):
    field, _, aspect = (int(n) for n in leaf_code.split("."))
    vi, en = TOPICS[(field, aspect)]
    u_vi, u_en = UNIT[level]
    return vi.format(u=u_vi), en.format(u=u_en)


SCALE = [
    ("A", "Rất tốt", "Very good", "1.00"),
    ("B", "Tốt", "Good", "0.60"),
    ("C", "Chưa tốt", "Not good", "0.20"),
    ("D", "Kém", "Poor", "0.00"),
]


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    with open(os.path.join(ROOT, "groups.toml"), "rb") as f:
        groups = tomllib.load(f)
    for level in ("ministry", "province"):
        with open(os.path.join(ROOT, f"{level}.toml"), "rb") as f:
            criteria = tomllib.load(f)
        leaves = [
            sub
            for field in criteria["field"]
            for crit in field.get("criterion", [])
            for sub in (crit.get("sub") or [crit])
            if sub.get("method") == "survey"
        ]
        lines = [
            "# ILLUSTRATIVE questionnaires: one per respondent group, one question per survey sub-criterion.",
            "# Generated by frameworks/tools/make_questionnaires.py; MoHA loads the official ones as data.",
            "",
            "[set]",
            f"level = {q(level)}",
            f"criteria_set = {q(criteria['set']['code'])}",
            "illustrative = true",
            "",
        ]
        for key, vi, en, frac in SCALE:
            lines += ["[[scale]]", f"key = {q(key)}", f"label_vi = {q(vi)}", f"label_en = {q(en)}",
                      f"fraction = {q(frac)}", ""]
        lines += ["[[scale]]", 'key = "E"', 'label_vi = "Không biết, không trả lời"',
                  'label_en = "Don\'t know"', "dont_know = true", ""]
        unit = "bộ, ngành" if level == "ministry" else "tỉnh"
        for gi, g in enumerate(groups[level]):
            prefix = chr(ord("A") + gi)
            lines += [
                "[[questionnaire]]",
                f"group = {q(g['code'])}",
                f"title_vi = {q('Phiếu khảo sát dành cho: ' + g['name_vi'] + ' (minh họa)')}",
                f"title_en = {q('Questionnaire for: ' + g.get('name_en', g['code']) + ' (illustrative)')}",
                f"intro_vi = {q('Xin Ông/Bà cho biết đánh giá của mình về công tác cải cách hành chính của ' + unit + ' được đánh giá. Câu trả lời được giữ kín; đơn vị được đánh giá không xem được câu trả lời của Ông/Bà.')}",
                f"intro_en = {q('Please give your assessment of the administrative reform of the unit rated. Your answers are confidential: the unit rated never sees them.')}",
                "",
            ]
            for i, leaf in enumerate(leaves, 1):
                about_vi, about_en = topic(level, leaf["code"])
                lines += [
                    "  [[questionnaire.question]]",
                    f"  code = {q(f'{prefix}{i}')}",
                    f"  leaf = {q(leaf['code'])}",
                    f"  text_vi = {q('Ông/Bà đánh giá thế nào về ' + about_vi + '?')}",
                    f"  text_en = {q('How do you rate ' + about_en + '?')}",
                    "",
                ]
        with open(os.path.join(ROOT, "questionnaires", f"{level}.toml"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))


if __name__ == "__main__":
    main()
