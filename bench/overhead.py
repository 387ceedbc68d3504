#!/usr/bin/env python3
"""Instrumentation overhead: times `things-js run --raw` against `things-js run`
on CPU-bound fixtures, alternating the two so machine noise hits both alike,
and prints each fixture's median ratio, then the median and worst over all.

usage: bench/overhead.py [--bin PATH] [--rounds N] [fixture ...]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = ["factorial", "loop_sieve", "loop_collatz", "loop_mandelbrot", "recursion_deep",
           "switch_vm", "text_wordfreq", "json_state", "lru_cache", "collections_map_set"]


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=None, help="things-js binary (default: target/release, else target/debug)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("fixtures", nargs="*", default=DEFAULT)
    args = ap.parse_args()
    binary = args.bin
    if binary is None:
        for profile in ("release", "debug"):
            candidate = os.path.join(ROOT, "target", profile, "things-js")
            if os.path.exists(candidate):
                binary = candidate
                break
    if binary is None:
        sys.exit("build things-js first (cargo build --release)")
    print(f"binary: {binary}, rounds: {args.rounds}")
    print(f"{'fixture':<22}{'raw ms':>9}{'instr ms':>10}{'ratio':>8}")
    ratios = []
    for name in args.fixtures:
        path = os.path.join(ROOT, "fixtures", f"{name}.js")
        raw, inst = [], []
        for _ in range(args.rounds):
            raw.append(timed([binary, "run", "--raw", path]))
            inst.append(timed([binary, "run", path]))
        r, i = statistics.median(raw), statistics.median(inst)
        ratios.append(i / r)
        print(f"{name:<22}{r * 1000:>9.1f}{i * 1000:>10.1f}{i / r:>8.2f}")
    print(f"median ratio {statistics.median(ratios):.2f}, worst {max(ratios):.2f}")


if __name__ == "__main__":
    main()
