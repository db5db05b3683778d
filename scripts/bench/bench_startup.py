"""Process-start benchmark: wall time of ``hotline --help`` and ``hotline kb search QUERY``,
this tree beside a peer commit (default c34c6d9, the tree before issue 13), same run, same venv.

The peer is unpacked with ``git archive`` into a temporary folder (the repository is not
touched). Both trees are run the same way, as the installed ``hotline`` script runs (``from hotline
import main``) with ``PYTHONPATH=TREE``, so each imports its own ``hotline``/``hotline_tui``/``backends``. ``kb search`` runs one query against a demo
store that each tree seeds for itself (``hotline demo seed``: an older tree refuses a store
migrated by a newer one). Before timing, every
command runs twice per tree: the page cache is warm and bytecode is compiled (into a private
``PYTHONPYCACHEPREFIX``, as an installed package has its ``.pyc``; the environment of the helpers
sets PYTHONDONTWRITEBYTECODE, which would otherwise compile every module on every start). Then
the runs alternate between the trees, so a load spike hits both; the median, min and max of N
runs are printed with the load average before and after, and the machine.

    .venv/bin/python scripts/bench/bench_startup.py               # 10 runs each
    .venv/bin/python scripts/bench/bench_startup.py --runs 20 --wait-load 1.0
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS_MS = {"--help": 150, "kb search": 350}


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in sh("lscpu").splitlines()
                  if line.startswith("Model name")), "?")
    mem = next((line.split()[1] for line in sh("free", "-h").splitlines() if line.startswith("Mem:")), "?")
    return f"{sh('nproc')} CPUs ({model}), {mem} RAM, Python {sys.version.split()[0]}"


def unpack(commit: str, dest: Path) -> None:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def env_for(tree: Path, pyc: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "HOTLINE_DB",
                                                             "HOTLINE_CONFIG_DIR", "HOTLINE_USER", "HOTLINE_LANG")}
    env.update(PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(pyc), HOTLINE_LANG="en")
    return env


# What the installed ``hotline`` script does (``from hotline import main``): hotline.py is imported
# as a module, so its bytecode is cached like every other module's. ``python hotline.py`` would
# compile the whole file on every start, as Python never caches the ``__main__`` script.
ENTRY = "import sys; sys.argv[0] = 'hotline'; from hotline import main; main()"


def run(tree: Path, args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", ENTRY, *args], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env, cwd=tree)
    dt = time.perf_counter() - t0
    if r.returncode:
        raise SystemExit(f"{tree}: hotline {' '.join(args)} exited {r.returncode}: {r.stderr.decode()[-500:]}")
    return dt


def own_modules(tree: Path, env: dict[str, str]) -> None:
    """Each tree must import its own core, not the venv's editable install of another tree."""
    where = subprocess.run([sys.executable, "-c", "import hotline_tui, hotline; print(hotline_tui.__file__); "
                            "print(hotline.__file__)"], capture_output=True, text=True, env=env, cwd=tree,
                           check=True).stdout.split()
    for path in where:
        if not Path(path).resolve().is_relative_to(tree.resolve()):
            raise SystemExit(f"{tree}: imports {path}, not its own tree")


def wait_for_load(limit: float, deadline_s: float) -> None:
    end = time.monotonic() + deadline_s
    while os.getloadavg()[0] > limit and time.monotonic() < end:
        time.sleep(5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", default="c34c6d9", help="Commit to compare with (default: before issue 13).")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--query", default="shebao", help="The kb search query (pinyin: exercises the vocabulary).")
    ap.add_argument("--tickets", type=int, default=1000, help="Demo tickets to seed (the articles are all seeded).")
    ap.add_argument("--wait-load", type=float, default=None,
                    help="Wait (up to 10 minutes) until the 1-minute load average is below this.")
    ap.add_argument("--check", action="store_true", help="Exit 1 if this tree misses a target.")
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-startup-"))
    try:
        peer_tree = tmp / "peer"
        unpack(a.peer, peer_tree)
        trees = {"this tree": ROOT, f"peer {a.peer}": peer_tree}
        envs = {name: env_for(tree, tmp / "pyc") for name, tree in trees.items()}
        for name, tree in trees.items():
            own_modules(tree, envs[name])
        commands: dict[str, dict[str, list[str]]] = {"--help": {}, "kb search": {}}
        for name, tree in trees.items():
            # Each tree seeds its own store: a store migrated by a newer tree is refused by an
            # older one ("database schema is newer than this hotline").
            db = tmp / f"{name.split()[0]}.db"
            subprocess.run([sys.executable, str(tree / "hotline.py"), "--db", str(db), "demo", "seed", "--tickets",
                            str(a.tickets), "--days", "30"], check=True, stdout=subprocess.DEVNULL,
                           env=envs[name], cwd=tree)
            commands["--help"][name] = ["--help"]
            commands["kb search"][name] = ["--db", str(db), "kb", "search", a.query]
        for cmd in commands.values():                  # warm-up: page cache, bytecode
            for name, args in cmd.items():
                for _ in range(2):
                    run(trees[name], args, envs[name])
        if a.wait_load is not None:
            wait_for_load(a.wait_load, 600)
        load_before = os.getloadavg()
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(a.runs):
            for label, cmd in commands.items():
                for name, args in cmd.items():
                    times.setdefault((label, name), []).append(run(trees[name], args, envs[name]))
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"### Process start ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC)\n")
    print(f"Machine: {machine()}. Load average (1/5/15 min) before {'/'.join(f'{x:.2f}' for x in load_before)}, "
          f"after {'/'.join(f'{x:.2f}' for x in load_after)}.\n")
    print(f"`{Path(sys.executable).name} scripts/bench/bench_startup.py --runs {a.runs}` — query `{a.query}`, "
          f"demo store with {a.tickets} tickets; wall time per process, ms.\n")
    print("| command | tree | median | min | max | target |")
    print("|---|---|---|---|---|---|")
    missed = []
    for (label, name), ts in times.items():
        med = statistics.median(ts) * 1000
        print(f"| `hotline {label}{' ' + a.query if label == 'kb search' else ''}` | {name} | {med:.0f} | "
              f"{min(ts) * 1000:.0f} | {max(ts) * 1000:.0f} | {TARGETS_MS[label]} |")
        if name == "this tree" and med > TARGETS_MS[label]:
            missed.append(label)
    if missed:
        print(f"\nMissed: {', '.join(missed)}")
    if a.check and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
