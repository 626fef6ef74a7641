#!/usr/bin/env python3
"""Speed against a peer: jianbao and Typst, alternately, in one run.

Usage: bench/peer.py [--runs N] [--bin target/release/jianbao]

Both programs set the same bulletin with the same font files (fonts/): jianbao
renders examples/yiyang-2024-01.json; Typst 0.15 compiles bench/typst/
bulletin.typ, a hand-written 简报 that reads the same JSON. Each is timed as a
whole process (Typst through its Python package, as an office script would
call it), the two in turn A B A B …, so that the ratio of each pair holds when
the machine's speed drifts. Then jianbao renders a bulletin of about 60 pages
(bench/run.py's synthetic one), compared with Typst's time for the example.

Prints the medians, the median of the paired ratios, the peak resident memory
of each process and the size of each PDF. The first run installs Typst into
target/bench-venv (PyPI); build jianbao first with `cargo build --release`.
Nothing here is a test: rerun it to compare.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from run import synthetic  # noqa: E402

TYPST_VERSION = "0.15.0"


def venv_python():
    venv = os.path.join(ROOT, "target", "bench-venv")
    py = os.path.join(venv, "bin", "python3")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([py, "-c", "import typst"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", f"typst=={TYPST_VERSION}"], check=True)
    return py


def timed(cmd):
    """Wall seconds and peak RSS (KiB) of one whole process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({p.returncode}): {err}")
    return wall, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/jianbao"))
    a = ap.parse_args()
    py = venv_python()
    fonts = os.path.join(ROOT, "fonts")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(ROOT, "bench/typst/bulletin.typ"), tmp)
        example = os.path.join(tmp, "example.json")
        shutil.copy(os.path.join(ROOT, "examples/yiyang-2024-01.json"), example)
        big = os.path.join(tmp, "synthetic-60.json")
        json.dump(synthetic(), open(big, "w", encoding="utf-8"), ensure_ascii=False)
        out_j = os.path.join(tmp, "jianbao.pdf")
        out_b = os.path.join(tmp, "jianbao-60.pdf")
        out_t = os.path.join(tmp, "typst.pdf")
        jianbao = [a.bin, "render", example, "-o", out_j, "--font-dir", fonts]
        jianbao60 = [a.bin, "render", big, "-o", out_b, "--font-dir", fonts]
        typst = [py, "-c",
                 "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], "
                 "font_paths=[sys.argv[4]], ignore_system_fonts=True, sys_inputs={'bulletin': 'example.json'})",
                 os.path.join(tmp, "bulletin.typ"), out_t, tmp, fonts]
        # One warm-up of each: page cache, the venv's bytecode.
        for cmd in (jianbao, typst, jianbao60):
            timed(cmd)
        rows = {"jianbao": [], "typst": [], "jianbao-60": []}
        rss = {k: 0 for k in rows}
        for _ in range(a.runs):
            for name, cmd in (("jianbao", jianbao), ("typst", typst), ("jianbao-60", jianbao60)):
                w, r = timed(cmd)
                rows[name].append(w)
                rss[name] = max(rss[name], r)
        ratios = [j / t for j, t in zip(rows["jianbao"], rows["typst"])]
        ratios60 = [j / t for j, t in zip(rows["jianbao-60"], rows["typst"])]
        pages = {}
        for name, inp in (("jianbao", example), ("jianbao-60", big)):
            dump = subprocess.run([a.bin, "render", "--dump-layout", inp, "--font-dir", fonts],
                                  capture_output=True, text=True).stdout
            pages[name] = dump.split(",")[1].strip()
        pages["typst"] = "?"
        try:
            info = subprocess.run(["pdfinfo", out_t], capture_output=True, text=True).stdout
            pages["typst"] = next(l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")) + " pages"
        except (OSError, StopIteration):
            pass
        sizes = {"jianbao": out_j, "typst": out_t, "jianbao-60": out_b}
        print(f"{a.runs} paired runs; {os.cpu_count()} cores; Typst {TYPST_VERSION} via Python {sys.version.split()[0]}")
        print(f"{'case':<12} {'pages':>10} {'median ms':>10} {'min ms':>8} {'peak MB':>8} {'PDF KB':>8}")
        for name in rows:
            ms = [w * 1000 for w in rows[name]]
            print(f"{name:<12} {pages[name]:>10} {statistics.median(ms):10.1f} {min(ms):8.1f} "
                  f"{rss[name] / 1024:8.1f} {os.path.getsize(sizes[name]) / 1024:8.1f}")
        print(f"ratio jianbao/typst (example), median of pairs: {statistics.median(ratios):.3f} "
              f"(min {min(ratios):.3f}, max {max(ratios):.3f})")
        print(f"ratio jianbao 60 pages / typst example, median of pairs: {statistics.median(ratios60):.3f}")


if __name__ == "__main__":
    main()
