#!/usr/bin/env python3
"""Start-up time and memory of the Till window, side by side with a minimal
Tauri 2 app built in the same run (benches/minimal-app).

For each app, alternating, ROUNDS times:
  * ready: wall time from launching the process until its page reports that
    the first screen is drawn (Till: the checkout with its cart, usable;
    the minimal app: its one static page), read from the app's stderr;
  * idle PSS: the proportional set size of the app and every process it
    started (WebKit's web and network processes), 3 s after ready;
  * Till only: PSS again after visiting every screen once (F2..F8, F1,
    typed into the window with xdotool), 3 s after the last one.

Both apps are built with the same profile and features before measuring.
Medians are printed, and the ratios Till / minimal. Needs Xvfb (run under
`xvfb-run -a`, or the script re-runs itself so) and xdotool.

    python3 benches/startup.py [--rounds 5] [--profile release]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY = re.compile(r"first screen drawn (\d+) ms after start")
SCREEN_KEYS = ["F2", "F3", "F4", "F5", "F6", "F7", "F8", "F1"]


def build(profile):
    cmd = ["cargo", "build", "--features", "tauri/custom-protocol",
           "-p", "till-desktop", "-p", "till-cli", "-p", "till-minimal-app"]
    if profile == "release":
        cmd.append("--release")
    subprocess.run(["npm", "--workspace", "ui", "run", "build", "--silent"], cwd=ROOT, check=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    out = os.path.join(ROOT, "target", "release" if profile == "release" else "debug")
    return (os.path.join(out, "till-desktop"), os.path.join(out, "till-minimal-app"),
            os.path.join(out, "till"))


def tree(pid):
    """The process and all its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_mib(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def launch(binary, env):
    started = time.monotonic()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = started + 60
    for line in proc.stderr:
        if READY.search(line):
            return proc, (time.monotonic() - started) * 1000
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit(f"{binary} did not report ready within 60 s")


def stop(proc):
    for p in reversed(tree(proc.pid)):
        try:
            os.kill(p, 9)
        except OSError:
            pass
    proc.wait()


def press(keys, window_name):
    wid = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", window_name],
                         capture_output=True, text=True, check=True).stdout.split()[0]
    for key in keys:
        # windowfocus, not windowactivate: Xvfb runs no window manager.
        subprocess.run(["xdotool", "windowfocus", "--sync", wid, "key", key], check=True)
        time.sleep(1.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--profile", choices=["debug", "release"], default="release")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        os.execvp("xvfb-run", ["xvfb-run", "-a", "--server-args=-screen 0 1280x900x24",
                               sys.executable] + sys.argv)
    if not shutil.which("xdotool"):
        raise SystemExit("xdotool is missing: apt-get install xdotool")
    till, minimal, cli = build(args.profile)
    work = tempfile.mkdtemp(prefix="till-startup-")
    db = os.path.join(work, "demo.db")
    subprocess.run([cli, "--db", db, "init", "--demo"], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, TILL_DB=db, RUST_LOG="info", HOME=work)
    results = {"till": {"ready": [], "idle": [], "visited": []},
               "minimal": {"ready": [], "idle": []}}
    for _ in range(args.rounds):
        for name, binary in (("minimal", minimal), ("till", till)):
            proc, ready = launch(binary, env)
            print(f"  {name}: ready after {ready:.0f} ms", file=sys.stderr, flush=True)
            results[name]["ready"].append(ready)
            time.sleep(3)
            results[name]["idle"].append(pss_mib(proc.pid))
            if name == "till":
                press(SCREEN_KEYS, "^Till$")
                time.sleep(3)
                results[name]["visited"].append(pss_mib(proc.pid))
            stop(proc)
    med = {n: {k: statistics.median(v) for k, v in r.items()} for n, r in results.items()}
    print(f"start-up and memory, {args.rounds} rounds, {args.profile} builds, medians")
    print(f"  minimal Tauri app: ready {med['minimal']['ready']:.0f} ms, idle {med['minimal']['idle']:.0f} MiB PSS")
    print(f"  Till:              ready {med['till']['ready']:.0f} ms, idle {med['till']['idle']:.0f} MiB PSS,"
          f" after every screen {med['till']['visited']:.0f} MiB PSS")
    print(f"  ratios Till/minimal: ready {med['till']['ready'] / med['minimal']['ready']:.2f}x,"
          f" idle {med['till']['idle'] / med['minimal']['idle']:.2f}x,"
          f" after every screen {med['till']['visited'] / med['minimal']['idle']:.2f}x")
    for n, r in results.items():
        for k, v in r.items():
            print(f"  raw {n} {k}: " + ", ".join(f"{x:.0f}" for x in v))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
