"""A synthetic corpus of instalments for benchmarks: varied names, real places, mechanisms
and figures (not copies of one article).

    python bench/synth.py OUT_DIR --instalments 200 [--projects 5] [--seed 1]

Each instalment is one province's article in the series' layout (intro, province heading,
number, ``name:headline``, 概况及亮点, body); projects are numbered across the corpus.  The
same seed gives the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

# (province, city, district, street) — real divisions, so the gazetteer resolves them
PLACES = [
    ("辽宁", "沈阳市", "和平区", "南湖街道"), ("辽宁", "大连市", "甘井子区", "红旗街道"),
    ("吉林", "长春市", "朝阳区", "红旗街道"), ("黑龙江", "哈尔滨市", "南岗区", "花园街道"),
    ("河北", "石家庄市", "长安区", "建北街道"), ("山东", "济南市", "历下区", "甸柳街道"),
    ("山东", "青岛市", "市南区", "八大关街道"), ("江苏", "南京市", "鼓楼区", "宁海路街道"),
    ("江苏", "苏州市", "姑苏区", "平江街道"), ("浙江", "杭州市", "拱墅区", "米市巷街道"),
    ("浙江", "宁波市", "鄞州区", "东胜街道"), ("安徽", "合肥市", "蜀山区", "三里庵街道"),
    ("福建", "福州市", "鼓楼区", "东街街道"), ("江西", "南昌市", "东湖区", "公园街道"),
    ("河南", "郑州市", "金水区", "文化路街道"), ("湖北", "武汉市", "江汉区", "民族街道"),
    ("湖南", "长沙市", "岳麓区", "望月湖街道"), ("广东", "广州市", "天河区", "林和街道"),
    ("广东", "深圳市", "南山区", "粤海街道"), ("四川", "成都市", "武侯区", "玉林街道"),
    ("陕西", "西安市", "雁塔区", "小寨路街道"), ("云南", "昆明市", "五华区", "华山街道"),
    ("山西", "太原市", "小店区", "坞城街道"), ("广西", "南宁市", "青秀区", "新竹街道"),
]
HEAD = ["锦", "华", "御", "翠", "景", "云", "金", "银", "海", "湖", "山", "阳", "和", "春", "秋", "兰",
        "梅", "松", "竹", "星", "月", "泉", "溪", "林", "枫", "桂", "瑞", "祥", "嘉", "泰", "安", "宁"]
MID = ["苑", "园", "庭", "府", "城", "湾", "居", "邸", "苑", "轩"]
TAIL = ["小区", "家园", "花园", "雅居", "新城", "名苑"]
MECHANISMS = [
    ("“1+1+1”联动机制", "社区党组织、业主委员会和物业服务企业每月召开联席会议"),
    ("“红色物业”", "物业服务企业成立党支部，党员员工亮身份、作表率"),
    ("吹哨报到", "遇到难题由社区“吹哨”，相关部门及时“报到”"),
    ("垃圾分类", "推行垃圾分类定时定点投放，设置智能分类回收箱"),
    ("电动汽车充电桩", "增设电动汽车充电桩，解决业主充电难"),
    ("智慧社区", "搭建智慧社区平台，业主可线上报事报修"),
    ("“1+4+N”", "构建“1+4+N”共建共治共享格局"),
    ("老旧小区改造", "借助老旧小区改造契机完成管网和屋面改造"),
    ("加装电梯", "协调加装电梯，方便老年业主出行"),
    ("志愿服务", "组建志愿服务队开展邻里互助"),
]
FIRMS = ["物业服务有限公司", "物业管理有限公司", "物业服务集团有限公司"]
INTRO = ("自“加强物业管理 共建美好家园”活动开展以来，全国积极参与，各省级住房城乡建设部门在每个开展"
         "活动的城市择优推荐美好家园项目至住房和城乡建设部，经过综合评定最终评选出100个“美好家园”项目。"
         "今天一起看看{province}地区“美好家园”项目有哪些特色和亮点。\n")


def compound_name(rng: random.Random, used: set[str]) -> str:
    while True:  # the stem is unique: names differing only in 小区/花园 would be one compound
        stem = rng.choice(HEAD) + rng.choice(HEAD) + rng.choice(HEAD) + rng.choice(MID)
        if stem not in used:
            used.add(stem)
            return stem + rng.choice(TAIL)


def project_text(rng: random.Random, number: int, name: str, place: tuple[str, str, str, str]) -> str:
    _, city, district, street = place
    short = name.removesuffix("小区")
    year = rng.randint(2000, 2019)
    month = rng.randint(1, 12)
    area = rng.randint(50, 600) / 10
    households = rng.randint(300, 4000)
    fee = rng.randint(850, 999) / 10
    sat = rng.randint(880, 999) / 10
    firm = rng.choice(HEAD) + rng.choice(HEAD) + rng.choice(FIRMS)
    mechs = rng.sample(MECHANISMS, 3)
    lines = [
        f"{number}",
        f"{short}：{mechs[0][0].strip('“”')}助力美好生活",
        "概况及亮点",
        f"{short}小区位于{city}{district}{street}，于{year}年{month}月首次交付，总建筑面积{area}万平方米，"
        f"共有住户{households}户。小区由{firm}提供物业服务。",
    ]
    for label, practice in mechs:
        lines.append(f"小区推行{label}，{practice}。")
    lines.append(f"通过一系列举措，小区物业费收缴率达到{fee}%，业主满意度达到{sat}%。")
    return "\n".join(lines) + "\n"


def write_corpus(out: Path, instalments: int, projects: int = 5, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    files = []
    number = 1
    for i in range(instalments):
        province = PLACES[i % len(PLACES)][0]
        places = [p for p in PLACES if p[0] == province]
        parts = [INTRO.format(province=province), f"{province}\n"]
        for _ in range(projects):
            parts.append(project_text(rng, number, compound_name(rng, used), rng.choice(places)))
            number += 1
        path = out / f"synthetic-{i:05d}.txt"
        path.write_text("".join(parts), encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--instalments", type=int, default=200)
    ap.add_argument("--projects", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    files = write_corpus(a.out, a.instalments, a.projects, a.seed)
    print(f"wrote {len(files)} instalments ({len(files) * a.projects} projects) to {a.out}")


if __name__ == "__main__":
    main()
