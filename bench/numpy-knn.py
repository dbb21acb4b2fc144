#!/usr/bin/env python3
"""NumPy's brute-force top-k beside KnnSearchBenchmark (bench/jmh-knn.sh), on the same kind of data:
rows and queries uniform in [-1, 1]^384, L2-normalised, float32; similarities by matrix product,
top k by argpartition then a sort of those k. One query at a time and in batches, one thread.

Usage: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 bench/numpy-knn.py [sizes] [k] [batches] [--json FILE]
  e.g. bench/numpy-knn.py 10000,100000 100 1,16,64
"""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
import numpy as np  # noqa: E402  (after the thread settings)


def topk(sims, k):
    part = np.argpartition(-sims, k - 1, axis=-1)[..., :k]
    order = np.take_along_axis(sims, part, axis=-1).argsort(axis=-1)[..., ::-1]
    return np.take_along_axis(part, order, axis=-1)


def measure(rows, queries, k, batch, seconds=3.0):
    done = 0
    start = time.perf_counter()
    i = 0
    while time.perf_counter() - start < seconds or done < 20 * batch:
        q = queries[i : i + batch]
        i = (i + batch) % (len(queries) - batch)
        topk(q @ rows.T, k)
        done += batch
    return (time.perf_counter() - start) / done * 1e6  # microseconds per query


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = sys.argv[sys.argv.index("--json") + 1] if "--json" in sys.argv else None
    if out in args:
        args.remove(out)
    sizes = [int(s) for s in (args[0] if args else "10000,100000").split(",")]
    k = int(args[1]) if len(args) > 1 else 100
    batches = [int(b) for b in (args[2] if len(args) > 2 else "1,16,64").split(",")]
    rng = np.random.default_rng(20261122)
    results = []
    for size in sizes:
        rows = rng.uniform(-1, 1, (size, 384)).astype(np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        queries = rng.uniform(-1, 1, (256, 384)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        measure(rows, queries, k, 1, seconds=0.5)  # warm-up
        for batch in batches:
            us = measure(rows, queries, k, batch)
            results.append({"size": size, "k": k, "batch": batch, "us_per_query": round(us, 1)})
            print(f"numpy {np.__version__}  size {size:>8}  k {k}  batch {batch:>3}: {us:9.1f} us/query")
    if out:
        with open(out, "w") as f:
            json.dump({"numpy": np.__version__, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
