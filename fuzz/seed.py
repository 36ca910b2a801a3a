#!/usr/bin/env python3
"""Builds the seed corpora corpus/parse and corpus/exec from the engine
conformance cases, the Sprig function cases and the chart templates of the
shared corpus (files up to 64 KiB). Each seed also gets a `<< >>` twin
(leading byte 0x01, `{{`/`}}` swapped) so both delimiter pairs are covered.
Usage: fuzz/seed.py [SHARED_DIR]   (default ../shared next to the checkout)"""
import hashlib, os, pathlib, sys

here = pathlib.Path(__file__).resolve().parent
repo = here.parent
shared = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CHART_SHARED_DIR", repo.parent / "shared"))

def engine_cases(text):
    out, buf, sec = [], [], None
    for line in text.rstrip("\n").split("\n") + ["=== case end"]:
        if line.startswith("=== "):
            if sec == "template":
                out.append("\n".join(buf))
            sec = line[4:].split(" ")[0]
            buf = []
        else:
            buf.append(line)
    return out

def function_cases(text):
    out, buf, inside = [], [], False
    for line in text.split("\n"):
        if line.startswith("=== "):
            inside = line[4:] != "@values"
            buf = []
        elif line.startswith("--- ") and inside:
            out.append("\n".join(buf))
            inside = False
        elif inside:
            buf.append(line)
    return out

seeds = []
for f in sorted((repo / "core/tests/cases/engine").glob("*.cases")):
    seeds += engine_cases(f.read_text())
for f in sorted((repo / "core/tests/cases/functions").glob("*.txt")):
    seeds += function_cases(f.read_text())
n_cases = len(seeds)
charts = shared / "corpus/charts"
if charts.is_dir():
    for f in sorted(charts.rglob("*")):
        if f.suffix in (".yaml", ".tpl", ".txt") and "templates" in f.parts and f.is_file() and f.stat().st_size <= 65536:
            seeds.append(f.read_text(errors="replace"))
else:
    print(f"warning: {charts} missing; seeding from the conformance cases only", file=sys.stderr)

for target in ("parse", "exec"):
    d = here / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        for data in (s.encode(), b"\x01" + s.replace("{{", "<<").replace("}}", ">>").encode()):
            (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
print(f"{n_cases} case templates + {len(seeds) - n_cases} chart templates -> {here / 'corpus'}/{{parse,exec}}")
