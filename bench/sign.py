#!/usr/bin/env python3
"""What a signature costs a copy: whole-process `jianbao issue` of the
example into a fresh archive, unsigned and `--sign` (ECDSA P-256, then
SM2), paired and alternated run by run, on the same release binary; the
median wall time and peak memory of each, the median of the paired
differences, and the bytes the signature adds (signed.pdf beyond issued.pdf,
plus manifest.p7s).

    bench/sign.py [--pairs 20] [--bin target/release/jianbao]

Build the binary first (for numbers to report: a non-incremental build in
its own target directory, e.g. CARGO_TARGET_DIR=/tmp/bench cargo build
--release --locked, then --bin /tmp/bench/release/jianbao).
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, env):
    """Wall time (ms) and peak memory (MB) of one process."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--bin", default=os.path.join(REPO, "target/release/jianbao"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="jianbao-bench-sign-")
    try:
        binary = os.path.join(work, "jianbao")
        shutil.copy(a.bin, binary)  # a private copy: the target may be rebuilt meanwhile
        env = dict(os.environ, JIANBAO_FONT_DIR=os.path.join(REPO, "fonts"))
        for k in ["JIANBAO_SIGN", "JIANBAO_KEY_DIR", "JIANBAO_ARCHIVE", "JIANBAO_OFD_SIGNER"]:
            env.pop(k, None)
        example = os.path.join(REPO, "examples/yiyang-2024-01.json")
        keys = {}
        for name, extra in [("p256", []), ("sm2", ["--sm2"])]:
            keys[name] = os.path.join(work, "key-" + name)
            subprocess.run([binary, "keys", "init", "--name", "某县人民政府办公室",
                            "--key-dir", keys[name]] + extra, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        runs = {"unsigned": [], "p256": [], "sm2": []}
        sizes = {}
        n = 0
        for i in range(a.pairs):
            order = ["unsigned", "p256", "sm2"]
            order = order[i % 3:] + order[:i % 3]
            for kind in order:
                n += 1
                archive = os.path.join(work, f"a{n}")
                cmd = [binary, "issue", example, "--allow-warnings", "--archive", archive]
                if kind != "unsigned":
                    cmd += ["--sign", "--key-dir", keys[kind]]
                runs[kind].append(run(cmd, env))
                if kind != "unsigned" and kind not in sizes:
                    copy = glob.glob(os.path.join(archive, "copies/*/2024-001"))[0]
                    size = lambda f: os.path.getsize(os.path.join(copy, f))
                    sizes[kind] = (size("signed.pdf") - size("issued.pdf"), size("manifest.p7s"))
                subprocess.run(["chmod", "-R", "u+w", archive])
                shutil.rmtree(archive)
        med = lambda xs: statistics.median(xs)
        base = runs["unsigned"]
        print(f"jianbao issue of the example, {a.pairs} runs each, alternated; binary {a.bin}")
        print(f"  unsigned: {med([w for w, _ in base]):7.1f} ms median, {med([m for _, m in base]):5.1f} MB peak")
        for kind in ["p256", "sm2"]:
            r = runs[kind]
            diff = med([s[0] - u[0] for s, u in zip(r, base)])
            pdf, p7s = sizes[kind]
            print(f"  --sign {kind:4}: {med([w for w, _ in r]):7.1f} ms median, {med([m for _, m in r]):5.1f} MB peak; "
                  f"paired difference {diff:+.1f} ms; {pdf} bytes in signed.pdf + {p7s} in manifest.p7s = {pdf + p7s} bytes")
    finally:
        subprocess.run(["chmod", "-R", "u+w", work])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
