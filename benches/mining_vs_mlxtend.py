#!/usr/bin/env python3
"""Till's `bundles mine` against mlxtend, side by side on this machine.

For each dataset: Till's whole run (the release `till` binary: read the
file, mine, derive rules, print JSON), wall time and peak RSS of its
process; against mlxtend's `fpgrowth` call alone on its sparse encoding
(TransactionEncoder -> sparse DataFrame built beforehand, not timed), its
wall time, the peak of Python allocations during the call (tracemalloc) and
the peak RSS of the Python process. Each side runs `RUNS` times; the median
time is reported. Results go to BENCHMARKS.md by hand.

    cargo build --release -p till-cli
    target/pyvenv/bin/python benches/mining_vs_mlxtend.py
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

import pandas as pd
from mlxtend.frequent_patterns import fpgrowth
from mlxtend.preprocessing import TransactionEncoder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
TILL = os.path.join(ROOT, "target", "release", "till")
RUNS = 3
CASES = [("retail.dat", "fimi", "0.002", "0.5"), ("groceries.csv", "csv", "0.005", "0.2")]


def read(path, fmt):
    with open(path, encoding="utf-8", newline="\n") as f:
        lines = [line.rstrip("\n").rstrip("\r") for line in f]
    if fmt == "fimi":
        return [sorted(set(line.split())) for line in lines]
    return [sorted(set(line.split(","))) for line in lines]


def till_run(path, fmt, support, confidence):
    """One run of the binary in a child; returns (seconds, peak RSS bytes, itemsets)."""
    script = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "out = subprocess.run(sys.argv[1:], capture_output=True, check=True).stdout; "
        "dt = time.perf_counter() - t; "
        "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, len(out))"
    )
    args = [TILL, "--json", "bundles", "mine", "--input", path, "--format", fmt,
            "--min-support", support, "--min-confidence", confidence]
    res = subprocess.run([sys.executable, "-c", script] + args, capture_output=True, text=True, check=True)
    dt, rss_kb, _ = res.stdout.split()
    return float(dt), int(rss_kb) * 1024


def mlxtend_run(path, fmt, support):
    """fpgrowth alone, in a fresh process; returns (seconds, tracemalloc peak, peak RSS, itemsets)."""
    script = r'''
import json, resource, sys, time, tracemalloc
import pandas as pd
from mlxtend.frequent_patterns import fpgrowth
from mlxtend.preprocessing import TransactionEncoder
path, fmt, support = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(path, encoding="utf-8", newline="\n") as f:
    lines = [l.rstrip("\n").rstrip("\r") for l in f]
tx = [sorted(set(l.split() if fmt == "fimi" else l.split(","))) for l in lines]
te = TransactionEncoder()
m = te.fit(tx).transform(tx, sparse=True)
df = pd.DataFrame.sparse.from_spmatrix(m, columns=te.columns_)
tracemalloc.start()
t = time.perf_counter()
fi = fpgrowth(df, min_support=support, use_colnames=True)
dt = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({"seconds": dt, "traced_peak": peak, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "itemsets": len(fi)}))
'''
    res = subprocess.run([sys.executable, "-c", script, path, fmt, support], capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def mb(b):
    return f"{b / 1e6:.1f} MB"


def main():
    if not os.path.exists(TILL):
        sys.exit(f"build the release binary first: cargo build --release -p till-cli ({TILL} missing)")
    for name, fmt, support, confidence in CASES:
        path = os.path.join(DATA, name)
        till = [till_run(path, fmt, support, confidence) for _ in range(RUNS)]
        mlx = [mlxtend_run(path, fmt, support) for _ in range(RUNS)]
        t_till = statistics.median(t for t, _ in till)
        rss_till = max(r for _, r in till)
        t_mlx = statistics.median(m["seconds"] for m in mlx)
        traced = max(m["traced_peak"] for m in mlx)
        rss_mlx = max(m["rss"] for m in mlx)
        print(f"RESULT {name} @ {support}: till whole run {t_till * 1000:.0f} ms, peak RSS {mb(rss_till)}; "
              f"mlxtend fpgrowth call {t_mlx * 1000:.0f} ms, traced peak {mb(traced)}, process peak RSS {mb(rss_mlx)}; "
              f"{t_mlx / t_till:.0f}x faster, memory {rss_till / traced:.3f} of mlxtend's traced peak "
              f"({rss_till / rss_mlx:.3f} of its RSS); itemsets mlxtend {mlx[0]['itemsets']}")


if __name__ == "__main__":
    main()
