"""Render speed and scaling of sls-gen, side by side with the peers that install from PyPI.

    make bench                                  # = .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --sizes 10,100 --runs 3 --no-peers --no-terraform

Every measurement is a whole process (interpreter start, imports, render, write), timed from
outside: wall time with perf_counter, CPU time (user + sys) and peak RSS from wait4's rusage.
Reported figures are medians over --runs runs. CPU time is printed next to wall time because on
a shared machine wall time mostly measures the neighbours; the load average is recorded for that
reason. Peers run in their own venv (benchmarks/work/peers, created from PyPI on first use) so the
product's dependencies stay clean. Work files live in benchmarks/work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import apps  # noqa: E402

WORK = HERE / "work"
PEERS_VENV = WORK / "peers"
PEER_PACKAGES = ("aws-sam-translator", "chalice")


# ------------------------------------------------------------------------------------ measuring


@dataclass
class Run:
    wall: float  # s
    cpu: float  # s, user + sys of the process and the children it waited for
    rss_mb: float  # peak resident set size
    rc: int
    stderr: str = ""


def run_once(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    with open(os.devnull, "wb") as devnull:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=devnull, stderr=subprocess.PIPE)
        err = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, err.decode()[-2000:])


class CommandFailed(RuntimeError):
    pass


@dataclass
class Stat:
    runs: list[Run] = field(default_factory=list)

    def add(self, r: Run) -> Run:
        if r.rc != 0:
            raise CommandFailed(f"command failed (exit {r.rc}):\n{r.stderr}")
        self.runs.append(r)
        return r

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mb for r in self.runs)


def snapshot(tree: Path) -> dict[str, tuple[int, int]]:
    """relative path -> (inode, mtime_ns): a file counts as written when either changes."""
    out = {}
    for dirpath, _dirs, files in os.walk(tree):
        for f in files:
            p = Path(dirpath, f)
            st = p.stat()
            out[p.relative_to(tree).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def tree_size(tree: Path) -> tuple[int, int, int]:
    """(files, bytes of all files, bytes of .tf files)."""
    files = total = tf = 0
    for dirpath, _dirs, names in os.walk(tree):
        for f in names:
            size = Path(dirpath, f).stat().st_size
            files += 1
            total += size
            tf += size if f.endswith(".tf") else 0
    return files, total, tf


# ------------------------------------------------------------------------------------ sls-gen


def prepare_like_an_install() -> None:
    """Measure sls-gen as users run it: `pip install` compiles every module to bytecode (an editable
    install, or PYTHONDONTWRITEBYTECODE=1, would recompile ~30 modules from source in every run,
    ~0.05 s), and a user's template cache fills on their first render (benchmarks/work/cache here)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "generator")], check=True,
                   stdout=subprocess.DEVNULL)
    os.environ["SLS_GEN_CACHE_DIR"] = str(WORK / "cache")


def settle() -> None:
    """Flush the harness's own deletes and writes before a timed run, so the render's durability
    step (which flushes the filesystem) is not charged for the previous output's removal."""
    if hasattr(os, "sync"):
        os.sync()


def sls_gen_bin() -> Path:
    """The venv's own entry point (a pyenv shim in front of python3 would add ~0.3 s per start)."""
    exe = Path(sys.executable).parent / "sls-gen"
    if not exe.exists():
        raise SystemExit(f"{exe} not found: run this with the product venv's python (make bench)")
    return exe


def bench_sls_gen(n: int, runs: int) -> dict:
    app = WORK / f"sls-gen-{n}"
    shutil.rmtree(app, ignore_errors=True)
    blueprint = apps.write_blueprint(app, n)
    out = app / "out"
    cmd = [str(sls_gen_bin()), "render", blueprint.name, "-o", "out"]
    cold, noop, change = Stat(), Stat(), Stat()
    run_once(cmd, app)  # warm-up, not counted: fills the template cache and the OS file cache
    noop_written = []
    change_written = []
    for k in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        settle()
        cold.add(run_once(cmd, app))
        before = snapshot(out)
        noop.add(run_once(cmd, app))
        after = snapshot(out)
        noop_written.append(sum(before.get(p) != v for p, v in after.items()))
        handler = app / "src" / apps.fn_name(n // 2) / "handler.py"
        handler.write_text(apps.HANDLER + f"# edit {k}\n")
        change.add(run_once(cmd, app))
        change_written.append(sum(after.get(p) != v for p, v in snapshot(out).items()))
    files, total, tf = tree_size(out)
    tf_lines = sum(len(p.read_bytes().splitlines()) for p in out.rglob("*.tf"))

    # Cold render of the same app without code dirs: every function gets a scaffold (and its zip).
    scaffold = Stat()
    bare = WORK / f"sls-gen-{n}-scaffold"
    for _ in range(max(1, runs // 2)):
        shutil.rmtree(bare, ignore_errors=True)
        apps.write_blueprint(bare, n, with_code=False)
        settle()
        scaffold.add(run_once(cmd, bare))
    return {
        "n": n,
        "cold": cold,
        "noop": noop,
        "change": change,
        "scaffold": scaffold,
        "noop_written": statistics.median(noop_written),
        "change_written": statistics.median(change_written),
        "files": files,
        "bytes": total,
        "tf_bytes": tf,
        "tf_lines": tf_lines,
        "out": out,
    }


def bench_fleet(services: int, functions: int, runs: int) -> dict:
    """`sls-gen render services/` over a monorepo of `services` blueprints: cold with -j 1 and with
    every core, then a no-op re-render and `sls-gen diff services/` (the CI drift gate), every core."""
    root = WORK / f"fleet-{services}x{functions}"
    shutil.rmtree(root, ignore_errors=True)
    apps.write_monorepo(root, services, functions)
    cores = os.cpu_count() or 1
    render = [str(sls_gen_bin()), "render", "services", "-o", "out"]
    diff = [str(sls_gen_bin()), "diff", "services", "-o", "out", "-j", str(cores)]
    run_once([*render, "-j", str(cores)], root)  # warm-up, not counted (template cache, OS file cache)
    figures: dict = {"services": services, "functions": functions, "cores": cores, "cold": {}}
    jobs = sorted({1, cores})
    for j in jobs:
        figures["cold"][j] = Stat()
    noop, drift, loop = Stat(), Stat(), Stat()
    blueprints = sorted((root / "services").glob("*/*.yaml"))
    for _ in range(runs):
        for j in jobs:
            shutil.rmtree(root / "out", ignore_errors=True)
            settle()
            figures["cold"][j].add(run_once([*render, "-j", str(j)], root))
        noop.add(run_once([*render, "-j", str(cores)], root))
        drift.add(run_once(diff, root))
        shutil.rmtree(root / "out", ignore_errors=True)  # the baseline: one process per blueprint, one after another
        settle()
        each = [run_once([str(sls_gen_bin()), "render", str(bp.relative_to(root)), "-o", f"out/{bp.stem}"], root)
                for bp in blueprints]
        loop.add(Run(sum(r.wall for r in each), sum(r.cpu for r in each), max(r.rss_mb for r in each),
                     max(r.rc for r in each), "".join(r.stderr for r in each)[-2000:]))
    figures["noop"], figures["diff"], figures["loop"] = noop, drift, loop
    figures["files"] = tree_size(root / "out")[0]
    return figures


DEPS_REQUIREMENTS = "six==1.17.0\nidna==3.10\n"  # every function's requirements.txt (one install, shared)
LAYER_REQUIREMENTS = "charset-normalizer==3.4.4\n"  # a layer every function uses (binary wheels)


def bench_dependencies(n: int, runs: int) -> dict:
    """An app whose functions and layer install dependencies, against the same app without any:
    the first render installs (pip, from the index); a later cold render (fresh output folder, so
    every zip is built) takes the installs from the cache, and should cost what the plain app's
    cold render costs; a no-op re-render is answered from the render record."""
    app, plain_app = WORK / f"deps-{n}", WORK / f"deps-{n}-plain"
    for folder in (app, plain_app):
        shutil.rmtree(folder, ignore_errors=True)
    apps.write_blueprint(app, n, requirements=DEPS_REQUIREMENTS, layer_requirements=LAYER_REQUIREMENTS)
    apps.write_blueprint(plain_app, n)
    cmd = [str(sls_gen_bin()), "render", "bench.yaml", "-o", "out"]
    cache = WORK / "cache-deps"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, SLS_GEN_CACHE_DIR=str(cache))
    first, cached, plain, noop, change, plain_change = Stat(), Stat(), Stat(), Stat(), Stat(), Stat()
    settle()
    first.add(run_once(cmd, app, env))  # pip runs: the installs fill the cache
    run_once(cmd, plain_app, env)  # warm-up of the plain app, not counted
    for k in range(runs):
        for folder, stat in ((app, cached), (plain_app, plain)):
            shutil.rmtree(folder / "out", ignore_errors=True)
            settle()
            stat.add(run_once(cmd, folder, env))
        noop.add(run_once(cmd, app, env))
        for folder, stat in ((app, change), (plain_app, plain_change)):  # one handler edited
            (folder / "src" / apps.fn_name(n // 2) / "handler.py").write_text(apps.HANDLER + f"# edit {k}\n")
            stat.add(run_once(cmd, folder, env))
    zipped = sum(p.stat().st_size for p in (app / "out" / "dist").rglob("*.zip"))
    return {"n": n, "first": first, "cached": cached, "plain": plain, "noop": noop, "change": change,
            "plain_change": plain_change, "zip_bytes": zipped}


def bench_startup(runs: int) -> dict:
    python = Path(sys.executable)
    bare, helped = Stat(), Stat()
    for _ in range(max(runs, 7)):
        bare.add(run_once([str(python), "-c", "pass"], REPO))
        helped.add(run_once([str(sls_gen_bin()), "--help"], REPO))
    return {"python": bare, "help": helped}


# ------------------------------------------------------------------------------------ peers


def ensure_peers(python: str) -> Path | None:
    """The peers' own venv, created and filled from PyPI on first use. None if that fails."""
    bin_dir = PEERS_VENV / "bin"
    stamp = PEERS_VENV / ".installed"
    if stamp.exists():
        return bin_dir
    print(f"setting up {PEERS_VENV} ({', '.join(PEER_PACKAGES)} from PyPI)...", file=sys.stderr)
    try:
        subprocess.run([python, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"peers unavailable: {exc}", file=sys.stderr)
        return None
    stamp.touch()
    return bin_dir


def peer_versions(bin_dir: Path) -> dict[str, str]:
    code = (
        "import json, importlib.metadata as m;"
        f"print(json.dumps({{p: m.version(p) for p in {list(PEER_PACKAGES)!r}}}))"
    )
    out = subprocess.run([str(bin_dir / "python"), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def bench_sam(bin_dir: Path, n: int, runs: int, budget: float) -> dict | None:
    app = WORK / f"sam-{n}"
    shutil.rmtree(app, ignore_errors=True)
    template = apps.write_sam_template(app, n)
    stat = Stat()
    cmd = [str(bin_dir / "python"), str(HERE / "sam_transform.py"), template.name]
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"}
    for _ in range(runs):
        r = stat.add(run_once(cmd, app, env))
        if r.wall > budget:
            break  # one slow run is enough to place it; the median of one is that run
    return {"stat": stat, "bytes": (app / "cloudformation.json").stat().st_size}


def bench_chalice(bin_dir: Path, n: int, runs: int, budget: float) -> dict | None:
    app = WORK / f"chalice-{n}"
    shutil.rmtree(app, ignore_errors=True)
    apps.write_chalice_project(app, n)
    stat = Stat()
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1", "CHALICE_DISABLE_TELEMETRY": "1"}
    for _ in range(runs):
        shutil.rmtree(app / "out", ignore_errors=True)
        settle()
        r = stat.add(run_once([str(bin_dir / "chalice"), "package", "--pkg-format", "terraform", "out"], app, env))
        if r.wall > budget:
            break
    _files, total, _tf = tree_size(app / "out")
    return {"stat": stat, "bytes": total}


# ------------------------------------------------------------------------------------ terraform


def bench_terraform(out: Path) -> dict | None:
    """`terraform init -backend=false` and `terraform validate` on a rendered stage folder."""
    sys.path.insert(0, str(REPO / "tests"))
    try:
        import tfharness
    except ImportError:
        return None
    if tfharness.find_terraform() is None or tfharness.find_mirror() is None:
        print("terraform or its provider mirror not found: skipping terraform validate", file=sys.stderr)
        return None
    stage = out / "dev"
    env = tfharness.tf_env(WORK / "tf")
    tf = tfharness.find_terraform()
    init = run_once([tf, "init", "-backend=false", "-input=false", "-no-color"], stage, env)
    if init.rc:
        print(f"terraform init failed:\n{init.stderr}", file=sys.stderr)
        return None
    validate = run_once([tf, "validate", "-no-color"], stage, env)
    version = subprocess.run([tf, "version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {"init": init, "validate": validate, "version": version}


# ------------------------------------------------------------------------------------ report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} x {cpu}{mem}; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def fmt_s(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def fmt_run(s: Stat) -> str:
    return f"{fmt_s(s.wall)} ({fmt_s(s.cpu)})"


def report(results: list[dict], startup: dict, peers: dict, tf: dict | None, args, load: tuple[float, float],
           fleet: dict | None = None, deps: dict | None = None) -> str:
    out = []
    out.append(f"Machine: {machine()}")
    out.append(f"Load average (1 min) at start / end: {load[0]:.1f} / {load[1]:.1f}")
    out.append(f"Command: {' '.join(args.command_line)}")
    out.append(f"Runs per figure: {args.runs} (median); times are wall seconds with CPU seconds (user+sys) in brackets.")
    out.append("")
    out.append("### sls-gen")
    out.append("")
    out.append("| N | cold render | no-op re-render | files written by no-op | one function changed | files written | cold, scaffolding every function | peak RSS | output | .tf lines |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        out.append(
            f"| {r['n']:,} | {fmt_run(r['cold'])} | {fmt_run(r['noop'])} | {int(r['noop_written']):,} of {r['files']:,} "
            f"| {fmt_run(r['change'])} | {int(r['change_written']):,} | {fmt_run(r['scaffold'])} "
            f"| {max(r['cold'].rss, r['noop'].rss, r['change'].rss):.0f} MB "
            f"| {r['bytes'] / 1e6:.1f} MB ({r['tf_bytes'] / 1e6:.1f} MB .tf) | {r['tf_lines']:,} |"
        )
    by_n = {r["n"]: r for r in results}
    if len(results) > 1:
        out.append("")
        ns = sorted(by_n)
        steps = ", ".join(
            f"{a:,} -> {b:,}: x{by_n[b]['cold'].cpu / by_n[a]['cold'].cpu:.1f} CPU for x{b / a:g} functions"
            for a, b in zip(ns, ns[1:])
        )
        out.append(f"Scaling of cold render: {steps}.")
    out.append("")
    out.append(
        f"Start-up: `sls-gen --help` {fmt_run(startup['help'])} vs `python -c pass` {fmt_run(startup['python'])} "
        f"from the same venv: +{startup['help'].wall - startup['python'].wall:.3f} s wall, "
        f"+{startup['help'].cpu - startup['python'].cpu:.3f} s CPU."
    )
    if fleet:
        out.append("")
        out.append(f"### Many services at once: {fleet['services']:,} blueprints of {fleet['functions']} functions "
                   "(`sls-gen render services/`)")
        out.append("")
        out.append("| command | jobs | time | peak RSS (largest process) |")
        out.append("|---|---|---|---|")
        for j, stat in fleet["cold"].items():
            out.append(f"| cold render, {fleet['files']:,} files | {j} | {fmt_run(stat)} | {stat.rss:.0f} MB |")
        cores = fleet["cores"]
        out.append(f"| a shell loop: one `sls-gen render <blueprint>` per service | 1 | {fmt_run(fleet['loop'])} "
                   f"| {fleet['loop'].rss:.0f} MB |")
        out.append(f"| no-op re-render | {cores} | {fmt_run(fleet['noop'])} | {fleet['noop'].rss:.0f} MB |")
        out.append(f"| `sls-gen diff services/` (up to date) | {cores} | {fmt_run(fleet['diff'])} | {fleet['diff'].rss:.0f} MB |")
        if len(fleet["cold"]) > 1:
            one, many = fleet["cold"][1], fleet["cold"][cores]
            out.append("")
            out.append(f"Cold render with {cores} jobs: x{one.wall / many.wall:.2f} faster (wall) than with 1, "
                       f"for x{many.cpu / one.cpu:.2f} the CPU.")
    if deps:
        out.append("")
        out.append(f"### With dependencies (N = {deps['n']:,}: each function installs {DEPS_REQUIREMENTS.strip().replace(chr(10), ', ')}; "
                   f"a layer every function uses installs {LAYER_REQUIREMENTS.strip()})")
        out.append("")
        out.append("| first render (pip installs) | cold render, installs from the cache | without dependencies, cold "
                   "| one handler changed | without dependencies, one handler changed | no-op re-render | zips |")
        out.append("|---|---|---|---|---|---|---|")
        out.append(f"| {fmt_run(deps['first'])} | {fmt_run(deps['cached'])} | {fmt_run(deps['plain'])} "
                   f"| {fmt_run(deps['change'])} | {fmt_run(deps['plain_change'])} | {fmt_run(deps['noop'])} "
                   f"| {deps['zip_bytes'] / 1e6:.1f} MB |")
        out.append("")
        out.append(f"With the installs cached, a cold render costs x{deps['cached'].cpu / deps['plain'].cpu:.2f} and a re-render "
                   f"after one handler changed x{deps['change'].cpu / deps['plain_change'].cpu:.2f} the CPU of the same app "
                   "without dependencies (the zips are larger; a dependency file zipped into many functions is compressed once).")
    if tf:
        out.append("")
        out.append(
            f"Terraform ({tf['version']}) on the N = {tf['n']:,} dev stage: `init -backend=false` {fmt_s(tf['init'].wall)} s "
            f"({fmt_s(tf['init'].cpu)} CPU), `validate` {fmt_s(tf['validate'].wall)} s ({fmt_s(tf['validate'].cpu)} CPU), "
            f"peak RSS {tf['validate'].rss_mb:.0f} MB."
        )
    if peers.get("versions"):
        out.append("")
        out.append("### Peers, same app, same run")
        out.append("")
        out.append("Versions: " + ", ".join(f"{k} {v}" for k, v in peers["versions"].items()) + ".")
        out.append("")
        out.append("| N | tool | time | peak RSS | output | sls-gen cold is faster by (wall / CPU) |")
        out.append("|---|---|---|---|---|---|")
        for n in sorted(peers["runs"]):
            for tool, res in peers["runs"][n].items():
                if res is None:
                    continue
                s = res["stat"]
                ours = by_n.get(n)
                ratio = f"x{s.wall / ours['cold'].wall:.1f} / x{s.cpu / ours['cold'].cpu:.1f}" if ours else "-"
                runs_note = "" if len(s.runs) == args.runs else f" ({len(s.runs)} run)"
                out.append(
                    f"| {n:,} | {tool} | {fmt_run(s)}{runs_note} | {s.rss:.0f} MB | {res['bytes'] / 1e6:.1f} MB | {ratio} |"
                )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,5000", help="comma-separated N (default 10,100,1000,5000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; the median is reported (default 5)")
    parser.add_argument("--peers", default="100,500", help="N to run the peers at (default 100,500; '' for none)")
    parser.add_argument("--no-peers", action="store_true", help="skip the peers")
    parser.add_argument("--peer-budget", type=float, default=60.0,
                        help="a peer run slower than this many seconds is not repeated (default 60)")
    parser.add_argument("--no-terraform", action="store_true", help="skip terraform init/validate")
    parser.add_argument("--terraform-n", type=int, default=1000, help="N whose output terraform validates (default 1000)")
    parser.add_argument("--fleet", type=int, default=100,
                        help="services in the many-services run (`sls-gen render services/`; default 100, 0 for none)")
    parser.add_argument("--fleet-functions", type=int, default=10, help="functions per service there (default 10)")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument("--no-deps", action="store_true", help="skip the case with dependencies (it needs the package index)")
    parser.add_argument("--deps-n", type=int, default=50, help="functions of the case with dependencies (default 50)")
    args = parser.parse_args(argv)
    args.command_line = ["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]
    sizes = [int(x) for x in args.sizes.split(",") if x]
    WORK.mkdir(parents=True, exist_ok=True)
    prepare_like_an_install()
    load_start = os.getloadavg()[0]

    results = []
    for n in sizes:
        print(f"sls-gen N={n:,}...", file=sys.stderr)
        results.append(bench_sls_gen(n, args.runs))
    fleet = None
    if args.fleet:
        print(f"sls-gen, {args.fleet} services of {args.fleet_functions} functions...", file=sys.stderr)
        fleet = bench_fleet(args.fleet, args.fleet_functions, args.runs)
    startup = bench_startup(args.runs)
    deps = None
    if not args.no_deps:
        print(f"sls-gen with dependencies, N={args.deps_n:,}...", file=sys.stderr)
        try:
            deps = bench_dependencies(args.deps_n, args.runs)
        except CommandFailed as exc:  # offline: pip cannot reach the index
            print(f"the dependencies case failed (offline?): {exc}", file=sys.stderr)

    tf = None
    if not args.no_terraform:
        target = next((r for r in results if r["n"] == args.terraform_n), None)
        if target:
            print(f"terraform validate on N={args.terraform_n:,}...", file=sys.stderr)
            tf = bench_terraform(target["out"])
            if tf:
                tf["n"] = args.terraform_n

    peers: dict = {"runs": {}}
    peer_sizes = [] if args.no_peers else [int(x) for x in args.peers.split(",") if x]
    if peer_sizes:
        bin_dir = ensure_peers(shutil.which("python3") or sys.executable)
        if bin_dir:
            peers["versions"] = peer_versions(bin_dir)
            for n in peer_sizes:
                if n not in {r["n"] for r in results}:
                    print(f"sls-gen N={n:,} (for the peer ratio)...", file=sys.stderr)
                    results.append(bench_sls_gen(n, args.runs))
                print(f"peers N={n:,}...", file=sys.stderr)
                peers["runs"][n] = {}
                for tool, bench in (
                    ("aws-sam-translator transform", bench_sam),
                    ("chalice package --pkg-format terraform", bench_chalice),
                ):
                    try:
                        peers["runs"][n][tool] = bench(bin_dir, n, args.runs, args.peer_budget)
                    except CommandFailed as exc:  # a broken peer must not lose the rest of the run
                        print(f"{tool} failed at N={n}: {exc}", file=sys.stderr)
                        peers["runs"][n][tool] = None
    results.sort(key=lambda r: r["n"])
    raw = {"results": results, "startup": startup, "peers": peers, "terraform": tf, "fleet": fleet, "dependencies": deps}
    (WORK / "last-run.json").write_text(json.dumps(raw, default=lambda o: getattr(o, "__dict__", str(o)), indent=1))
    text = report(results, startup, peers, tf, args, (load_start, os.getloadavg()[0]), fleet, deps)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
