#!/usr/bin/env python3
"""Runs every test_* function of every test_*.py here against the real binary.
Usage: run.py [substring-filter]. Last line: "N passed, N failed"."""
import importlib.util
import glob
import os
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TEST_TIMEOUT = int(os.environ.get("TEST_TIMEOUT", "60"))


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout("test took longer than its time limit")


def main():
    flt = sys.argv[1] if len(sys.argv) > 1 else ""
    signal.signal(signal.SIGALRM, on_alarm)
    passed = failed = 0
    failures = []
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "test_*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for fname in [f for f in dir(mod) if f.startswith("test_")]:
            full = f"{name}.{fname}"
            if flt and flt not in full:
                continue
            t0 = time.time()
            signal.alarm(getattr(getattr(mod, fname), "timeout", TEST_TIMEOUT))
            try:
                getattr(mod, fname)()
                ok, why = True, ""
            except Exception as e:  # noqa: BLE001
                ok, why = False, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
            finally:
                signal.alarm(0)
                problems = harness.cleanup()
            if ok and problems:
                ok, why = False, "\n".join(problems)
            dt = time.time() - t0
            if ok:
                passed += 1
                print(f"ok   {full} ({dt:.2f}s)", flush=True)
            else:
                failed += 1
                failures.append(full)
                print(f"FAIL {full} ({dt:.2f}s)\n     {why}", flush=True)
    if failures:
        print("failed: " + ", ".join(failures))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
