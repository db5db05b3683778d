"""Run a Python script (``hotline.py console …``) with tracemalloc on, writing a snapshot every
``HOTLINE_TRACEMALLOC_EVERY`` seconds (default 60) to ``HOTLINE_TRACEMALLOC_DIR`` as
``snap-<seconds>.pickle``. Used by ``bench_province.py --tracemalloc DIR`` to find what grows;
compare two snapshots with ``python scripts/bench/_tracemalloc_run.py --compare A B``.

    python scripts/bench/_tracemalloc_run.py hotline.py console --config …
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time
import tracemalloc
from pathlib import Path


def _dump_every(out: Path, every: float) -> None:
    t0 = time.monotonic()
    n = 1
    while True:
        time.sleep(max(t0 + n * every - time.monotonic(), 0.1))
        tracemalloc.take_snapshot().dump(str(out / f"snap-{int(n * every):05d}.pickle"))
        n += 1


def compare(a: str, b: str, top: int = 25) -> None:
    old, new = tracemalloc.Snapshot.load(a), tracemalloc.Snapshot.load(b)
    for key in ("lineno", "traceback"):
        print(f"-- top {top} by {key} ({a} -> {b})")
        for st in new.compare_to(old, key)[:top]:
            print(st)
            if key == "traceback":
                for line in st.traceback.format()[-8:]:
                    print("     ", line)


def main() -> None:
    if sys.argv[1:2] == ["--compare"]:
        compare(sys.argv[2], sys.argv[3])
        return
    out = Path(os.environ.get("HOTLINE_TRACEMALLOC_DIR", "."))
    out.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(int(os.environ.get("HOTLINE_TRACEMALLOC_FRAMES", "12")))
    threading.Thread(target=_dump_every, args=(out, float(os.environ.get("HOTLINE_TRACEMALLOC_EVERY", "60"))),
                     daemon=True).start()
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, str(Path(script).resolve().parent))
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
