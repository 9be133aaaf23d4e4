#!/bin/sh
# The report benchmarks, on a release build that trusts the test key (so
# the benchmark's store can hold a Pro license for advanced reporting).
# TILL_BENCH_ORDERS sets the history's size (default 1,000,000; the store
# is built once, in target/bench-stores/).
set -eu
cd "$(dirname "$0")/.."
TILL_VENDOR_KEY_ID=bench \
TILL_VENDOR_PUBLIC_KEY=aoCj0B1pk23PkaModTy8JZvCVmvwyqOyIR9pzkCBY+s= \
    exec cargo bench -p till-core --bench reports "$@"
