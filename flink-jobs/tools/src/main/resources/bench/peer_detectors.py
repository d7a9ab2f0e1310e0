"""Peer side of `./flowpulse bench --compare` (detectors): fit time per series of Debian's
python3-statsmodels STL and python3-sklearn IsolationForest, on the same CSVs as flowpulse's
StlResidualDetector / RandomCutForestDetector, with matching settings:
  STL: period = one day of points, seasonal 7, default trend and low-pass widths, LOESS jumps of 10 % of
  each width, 1 inner and 3 outer (robustness) iterations: stl-decomp-4j's settings in StlResidualDetector
  (statsmodels' own defaults, jumps of 1 and 15 outer iterations, are several times slower).
  IsolationForest: 30 trees, 256 samples per tree, on shingles of 8 points (RCF's shingle), fit and
  score every shingle (RCF scores each point as it learns).
Prints one JSON object per series: {"file", "n", "period", "stl_ms", "iforest_ms"} (best of 3 runs).
"""
import csv
import math
import json
import sys
import time
from datetime import datetime

import numpy as np
from sklearn.ensemble import IsolationForest
from statsmodels.tsa.seasonal import STL


def parse_time(s):
    s = s.strip().strip('"')
    if s.isdigit():
        v = int(s)
        return v * 1000 if v < 10**11 else v
    return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)


def read(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = [h.lower() for h in next(r)]
        t = header.index("timestamp") if "timestamp" in header else 0
        v = header.index("value") if "value" in header else 1
        times, values = [], []
        for row in r:
            if not row:
                continue
            times.append(parse_time(row[t]))
            values.append(float(row[v]))
    order = np.argsort(np.array(times), kind="stable")
    return np.array(times)[order], np.array(values)[order]


def best_of(n, fn):
    t0 = time.perf_counter()
    fn()
    best = time.perf_counter() - t0
    for _ in range(n - 1 if best < 1.0 else 0):  # one run is enough when it takes seconds
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def main(files):
    for path in files:
        times, values = read(path)
        step = int(np.median(np.diff(times)))
        period = int(86_400_000 // step)
        if len(values) < 3 * period:
            print(json.dumps({"file": path, "n": len(values), "period": period, "skipped": "fewer than 3 days"}))
            continue
        trend = int(1.5 * period / (1 - 1.5 / 7) + 0.5)
        trend += 1 - trend % 2  # odd
        low_pass = period + 1 - period % 2
        stl_ms = best_of(3, lambda: STL(values, period=period, seasonal=7, trend=trend, low_pass=low_pass, robust=True,
                                        seasonal_jump=1, trend_jump=math.ceil(trend / 10),
                                        low_pass_jump=math.ceil(low_pass / 10)).fit(inner_iter=1, outer_iter=3))
        shingles = np.lib.stride_tricks.sliding_window_view(values, 8)

        def iforest():
            m = IsolationForest(n_estimators=30, max_samples=256, random_state=42).fit(shingles)
            m.score_samples(shingles)

        if_ms = best_of(3, iforest)
        print(json.dumps({"file": path, "n": len(values), "period": period, "stl_ms": stl_ms, "iforest_ms": if_ms}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
