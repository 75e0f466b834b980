#!/usr/bin/env python3
"""Our Parquet writer against pyarrow, in the same run, on the issue-8 data set.

1M rows x 10 mixed columns (ints, decimal, string, timestamp, JSON text, enum, double,
nullable text, date: src/format/parquet/bench_data.cc), written with snappy and with zstd
(the same level for both writers). parquet_tool generates the rows in memory and times
only the writing; pyarrow gets exactly the same rows (our file, read back and checked)
as an in-memory Arrow table and times pq.write_table. Each side runs in its own process,
best of N writes within it; peak RSS is reset before writing (/proc/self/clear_refs) so it measures
the writer, not the input.

  bench/e2e/parquet_vs_pyarrow.py [--rows N] [--runs N] [--zstd-level L] [--tool PATH]

Prints a table: wall and CPU seconds, rows/s, input MB/s (Arrow in-memory size of the
table / wall time), output size, peak RSS above the input, and our/pyarrow ratios.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]

PYARROW_SIDE = r"""
import json, os, resource, sys, time
import pyarrow.parquet as pq
src, out, codec, level, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
table = pq.read_table(src)
table = table.combine_chunks()
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1])
open("/proc/self/clear_refs", "w").write("5")
rss_before = status("VmRSS:")
best = None
for _ in range(runs):
    w0, c0 = time.perf_counter(), time.process_time()
    pq.write_table(table, out, compression=codec,
                   compression_level=None if level == "none" else int(level))
    w, c = time.perf_counter() - w0, time.process_time() - c0
    if best is None or w < best[0]:
        best = (w, c)
print(json.dumps({"seconds": best[0], "cpu_seconds": best[1], "bytes": os.path.getsize(out),
                  "rss_before_kb": rss_before, "rss_peak_kb": status("VmHWM:"),
                  "input_bytes": table.nbytes, "rows": table.num_rows}))
"""


def default_tool():
    build = pathlib.Path(os.environ.get("TRIBUTARY_BUILD_DIR", ROOT / "build"))
    return build / "rel" / "src" / "format" / "parquet" / "parquet_tool"


def run_ours(tool, out, codec, level, rows, runs, workdir):
    job = {"output": str(out), "options": {"codec": codec},
           "generate": {"rows": rows, "seed": 1, "repeat": runs}}
    if level is not None:
        job["options"]["level"] = level
    spec = pathlib.Path(workdir) / "bench_job.jsonl"
    spec.write_text(json.dumps(job) + "\n")
    p = subprocess.run([str(tool), str(spec)], capture_output=True, text=True, check=True)
    r = json.loads(p.stdout)
    if "error" in r:
        sys.exit(f"parquet_tool: {r['error']}")
    return r


def run_pyarrow(src, out, codec, level, runs):
    p = subprocess.run([sys.executable, "-c", PYARROW_SIDE, str(src), str(out), codec,
                        "none" if level is None else str(level), str(runs)],
                       capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--zstd-level", type=int, default=1, help="for both writers (pyarrow's default is 1)")
    ap.add_argument("--tool", default=os.environ.get("TRIBUTARY_PARQUET_TOOL", str(default_tool())))
    args = ap.parse_args()
    import pyarrow
    import pyarrow.parquet as pq

    load = os.getloadavg()[0]
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for codec, level in (("snappy", None), ("zstd", args.zstd_level)):
            ours_file, theirs_file = tmp / f"ours.{codec}.parquet", tmp / f"pyarrow.{codec}.parquet"
            ours = run_ours(args.tool, ours_file, codec, level, args.rows, args.runs, tmp)
            theirs = run_pyarrow(ours_file, theirs_file, codec, level, args.runs)
            # Same data on both sides: pyarrow reads our file back equal to its own output.
            assert pq.read_table(ours_file).equals(pq.read_table(theirs_file)), "files differ in content"
            rows_out.append((codec, level, ours, theirs))

    mb = lambda b: b / 1e6
    print(f"Parquet writer vs pyarrow {pyarrow.__version__}: {args.rows:,} rows x 10 columns, best of {args.runs}")
    print(f"load average at start: {load:.2f} ({os.cpu_count()} cores)")
    print()
    print("| codec | writer | wall s | CPU s | rows/s | MB/s in | output MB | peak RSS above input MB |")
    print("|---|---|---|---|---|---|---|---|")
    for codec, level, ours, theirs in rows_out:
        name = codec if level is None else f"{codec}({level})"
        input_bytes = theirs["input_bytes"]
        for who, r in (("tributary", ours), ("pyarrow", theirs)):
            print(f"| {name} | {who} | {r['seconds']:.3f} | {r['cpu_seconds']:.3f} | "
                  f"{args.rows / r['seconds']:,.0f} | {mb(input_bytes) / r['seconds']:.0f} | "
                  f"{mb(r['bytes']):.2f} | {(r['rss_peak_kb'] - r['rss_before_kb']) / 1024:.0f} |")
    print()
    print("| codec | speed ratio (wall, ours/pyarrow rows/s) | CPU ratio | size ratio (ours/pyarrow) |")
    print("|---|---|---|---|")
    for codec, level, ours, theirs in rows_out:
        name = codec if level is None else f"{codec}({level})"
        print(f"| {name} | {theirs['seconds'] / ours['seconds']:.2f} | {theirs['cpu_seconds'] / ours['cpu_seconds']:.2f}"
              f" | {ours['bytes'] / theirs['bytes']:.3f} |")


if __name__ == "__main__":
    main()
