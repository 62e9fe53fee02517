"""Runs every manifest check (Deploy/check-manifests) and exits 1 on any problem."""
import sys
import time

import common

SECTIONS = ["yaml_files", "observability", "systemd", "docker", "k8s"]


def main(names):
    report = common.Report()
    for name in names or SECTIONS:
        started, before, failed = time.monotonic(), report.checks, len(report.problems)
        try:
            __import__(name).run(report)
        except Exception as e:  # a check that crashes is a problem, not a pass
            report.fail(name, f"the check itself failed: {type(e).__name__}: {e}")
        print(f"check-manifests: {name}: {report.checks - before} checks, {len(report.problems) - failed} problems "
              f"({time.monotonic() - started:.1f} s)")
    for p in report.problems:
        print(f"FAIL {p}")
    print(f"check-manifests: {report.checks} checks, {len(report.problems)} problems")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
