"""Benchmark the network view against plain pyvis, in one run.

    python bench/bench_viz.py [--sizes 1000 10000] [--no-browser] [--keep DIR]

For each size it builds a synthetic KG-like graph (projects → compounds → places, organisations,
initiatives → shared initiative types, with tooltips and evidence quotes like the real
projection) and times

  (a) plain pyvis: ``Network(cdn_resources="in_line").from_nx(graph)`` + ``generate_html()``;
  (b) ``meihao_kg.view.render.render_html`` (including layout, pinyin index and tooltips);
  (c) for the largest size: headless Chromium (``/usr/bin/chromium``, network blocked) from
      navigation start until the page has drawn (``window.mhDrawn``, set on vis-network's first
      ``afterDrawing`` event).

Prints a table.  Targets (issue "Interactive network views"): (b) < 2 s at 10k nodes, (c) < 10 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
from pyvis.network import Network

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from meihao_kg.view.render import render_html, write_html

CHROMIUM = "/usr/bin/chromium"
_SURNAMES = "沿海鉴筑金盛佳园首府和平锦绣华城阳光花园翠湖湾幸福里东方明珠滨江新城书香门第"
_INITIATIVES = [
    "垃圾分类",
    "充电桩",
    "吹哨报到",
    "红色物业",
    "协商议事",
    "楼道长",
    "志愿服务",
    "老旧小区改造",
    "智慧安防",
    "加装电梯",
    "邻里节",
    "1+1+1联动",
    "网格化管理",
    "党员先锋岗",
    "业主恳谈会",
    "消防演练",
    "物业开放日",
    "文明养犬",
    "社区食堂",
    "积分制管理",
    "共享菜园",
    "平安小区",
    "停车管理",
    "法律顾问",
    "心理咨询",
    "四位一体",
    "管家服务",
    "适老化改造",
    "雨污分流",
    "绿化提升",
]


def synthetic_graph(n_target: int, seed: int = 7) -> nx.MultiDiGraph:
    """A KG-like projection with about ``n_target`` nodes (same attributes as project_graph)."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()

    def add(nid: str, cls: str, label: str, type_zh: str, **extra: object) -> None:
        graph.add_node(
            nid,
            iri="https://w3id.org/meihao-kg/id/" + nid,
            label_zh=label,
            label_en=label,
            aliases=[],
            cls=cls,
            type_zh=type_zh,
            type_en=cls,
            figures=extra.get("figures", []),
            quotes=extra.get("quotes", []),
        )

    def link(u: str, v: str, zh: str) -> None:
        graph.add_edge(u, v, key=zh, predicate=zh, label_zh=zh, label_en=zh)

    for t, name in enumerate(_INITIATIVES):
        add(f"type/{t}", "initiative_type", name, "举措类型")
    provinces = [f"place/p{i}" for i in range(10)]
    for i, p in enumerate(provinces):
        add(p, "division", f"第{i}省", "行政区划")
    cities: list[str] = []
    for i in range(max(10, n_target // 100)):
        c = f"place/c{i}"
        add(c, "division", f"第{i}市", "行政区划")
        link(c, rng.choice(provinces), "隶属")
        cities.append(c)
    i = 0
    while graph.number_of_nodes() < n_target:
        name = "".join(rng.sample(_SURNAMES, 4)) + str(i)
        proj, comp = f"project/{i}", f"compound/{i}"
        quote = (
            f"{name}小区建筑面积{rng.randint(5, 40)}万平方米，总户数{rng.randint(300, 3000)}户。"
        )
        figures = [f"建筑面积 {rng.randint(5, 40) * 10000} m²", f"户数 {rng.randint(300, 3000)} 户"]
        add(proj, "project", name, "示范项目", figures=figures, quotes=[quote])
        add(comp, "compound", name + "小区", "小区", figures=figures, quotes=[quote])
        link(proj, comp, "小区")
        link(comp, rng.choice(cities), "位于")
        for cls, suffix in (
            ("party_branch", "党支部"),
            ("owners_committee", "业主委员会"),
            ("property_unit", "物业服务中心"),
        ):
            org = f"org/{i}/{cls}"
            add(
                org,
                cls,
                name + "小区" + suffix,
                suffix,
                quotes=[f"{name}小区{suffix}成立于2015年。"],
            )
            link(org, comp, "服务小区")
        for t in rng.sample(range(len(_INITIATIVES)), 3):
            ini = f"initiative/{i}/{t}"
            add(ini, "initiative", _INITIATIVES[t], "举措", quotes=[f"开展{_INITIATIVES[t]}工作。"])
            link(ini, comp, "实施于")
            link(ini, f"type/{t}", "举措类型")
        i += 1
    return graph


def plain_pyvis(graph: nx.MultiDiGraph) -> str:
    net = Network(directed=True, cdn_resources="in_line")
    out = nx.DiGraph()
    for n, d in graph.nodes(data=True):
        out.add_node(n, label=d["label_zh"], title=d["type_zh"] + "\n" + "\n".join(d["quotes"]))
    for u, v, d in graph.edges(data=True):
        out.add_edge(u, v, title=d["label_zh"])
    net.from_nx(out)
    return net.generate_html()


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t0, result


def browser_draw_time(path: Path, timeout_s: float = 120.0) -> tuple[float, int]:
    """Seconds from navigation start until window.mhDrawn, and the number of blocked requests."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--headless"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                return r.continue_()
            blocked.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function("window.mhDrawn === true", timeout=timeout_s * 1000, polling=50)
        wall = time.perf_counter() - t0
        in_page = page.evaluate("window.mhDrawnAt") / 1000.0
        browser.close()
    return max(wall, in_page), len(blocked)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium draw timing")
    ap.add_argument("--keep", type=Path, help="keep the generated HTML files in this folder")
    args = ap.parse_args(argv)

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="meihao-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        graph = synthetic_graph(n)
        t_plain, html_plain = timed(plain_pyvis, graph)
        t_ours, html = timed(render_html, graph, title=f"benchmark {n}")
        path = write_html(html, out_dir / f"view-{n}.html")
        rows.append(
            (
                n,
                graph.number_of_nodes(),
                graph.number_of_edges(),
                t_plain,
                t_ours,
                len(html_plain),
                len(html),
                path,
            )
        )

    print(
        f"{'nodes':>7} {'edges':>7} {'pyvis from_nx+html':>19} {'render_html':>12} "
        f"{'speed-up':>9} {'pyvis MB':>9} {'ours MB':>8}"
    )
    for _, nn, ne, tp, to, lp, lo, _ in rows:
        print(
            f"{nn:7d} {ne:7d} {tp:18.3f}s {to:11.3f}s {tp / to:8.1f}x"
            f" {lp / 1e6:9.2f} {lo / 1e6:8.2f}"
        )

    # the default view's anchored layout (meihao-kg viz uses it up to 2,000 nodes)
    from meihao_kg.view.viewdata import anchor_layout

    print(f"{'nodes':>7} {'anchor_layout':>14} {'vs render_html':>15}")
    for n, nn, _, _, to, *_ in rows:
        if nn > 2100:
            continue
        t_anchor, _ = timed(anchor_layout, synthetic_graph(n))
        print(f"{nn:7d} {t_anchor:13.3f}s {t_anchor / to:14.2f}x")

    if not args.no_browser:
        if not Path(CHROMIUM).exists():
            print(f"Chromium draw time: skipped ({CHROMIUM} not found)")
        else:
            n, nn, *_, path = rows[-1]
            seconds, blocked = browser_draw_time(path)
            print(
                f"Chromium (headless, network blocked) drew the {nn}-node view in {seconds:.2f}s "
                f"({blocked} blocked requests)"
            )
    if args.keep is None:
        shutil.rmtree(out_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
