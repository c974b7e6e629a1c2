"""Run one command and report its wall time, CPU time and peak memory as one JSON line.

    python benchmarks/measure.py [--cwd DIR] [--timeout S] -- COMMAND [ARGS...]

A fresh process per measured run, so that `getrusage(RUSAGE_CHILDREN)` holds this
command alone: `ru_maxrss` is the peak resident set of the largest process of its
tree (the command, or one of the worker processes it waited for). The wall time is
taken around the child only, so this wrapper's own start-up is not counted.
The command's standard output is discarded; the tail of its standard error is
reported if it fails.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=args.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=args.timeout
        )
        returncode, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, stderr = -1, (exc.stderr or b"") + f"\ntimed out after {args.timeout:g} s".encode()
    except OSError as exc:
        returncode, stderr = -1, str(exc).encode()
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,  # Linux reports KiB
        "returncode": returncode,
        "stderr": stderr.decode("utf-8", "replace")[-1500:] if returncode else "",
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
