"""Shared by the manifest checks: the repository, the report, and facts read from the code
(feeds, metrics, command-line options), so the manifests are checked against what exists."""
import json
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "Deploy"


class Report:
    def __init__(self):
        self.problems = []
        self.checks = 0

    def check(self, ok, where, message):
        """Counts one check; records `message` against `where` when it failed."""
        self.checks += 1
        if not ok:
            self.problems.append(f"{rel(where)}: {message}")
        return ok

    def fail(self, where, message):
        return self.check(False, where, message)


def rel(path):
    try:
        return str(pathlib.Path(path).resolve().relative_to(ROOT))
    except (ValueError, TypeError):
        return str(path)


def feeds():
    """The feed names, in declaration order, from `enum Feed` (Sources/LiqmapCore/Feed.swift)."""
    text = (ROOT / "Sources/LiqmapCore/Feed.swift").read_text()
    body = text[text.index("enum Feed"):]
    body = body[: body.index("\n    public var") if "\n    public var" in body else len(body)]
    out = []
    for m in re.finditer(r'^\s*case (\w+)(?: = "([^"]+)")?\s*$', body, re.M):
        out.append(m.group(2) or m.group(1))
    return out


def configured_shards():
    return json.loads((ROOT / "Config/liqmap.json").read_text())["cluster"]["shards"]


def swift_sources():
    return [p for p in (ROOT / "Sources").rglob("*.swift") if "LiqmapTesting" not in p.parts]


def metrics():
    """Exported metric families: name -> "counter" | "gauge" | "histogram", and the label names the
    code attaches. swift-metrics Timers and aggregating Recorders become swift-prometheus
    histograms (name_bucket/_sum/_count); Gauges and Meters gauges."""
    kinds = {"Counter": "counter", "FloatingPointCounter": "counter", "Gauge": "gauge", "Meter": "gauge",
             "Timer": "histogram", "Recorder": "histogram"}
    families, labels = {}, set()
    for path in swift_sources():
        text = path.read_text()
        for m in re.finditer(r'\b(?:Metrics\.)?(Counter|FloatingPointCounter|Gauge|Meter|Timer|Recorder)\(label: "(liqmap_\w+)"', text):
            families[m.group(2)] = kinds[m.group(1)]
        for m in re.finditer(r'make(Counter|Gauge|DurationHistogram|ValueHistogram)\(\s*descriptor: MetricNameDescriptor\(([^)]*)\)', text):
            parts = dict(re.findall(r'(namespace|subsystem|metricName|unitName): "([^"]*)"', m.group(2)))
            name = "_".join(v for k in ("namespace", "subsystem", "metricName", "unitName") if (v := parts.get(k)))
            families[name] = {"Counter": "counter", "Gauge": "gauge"}.get(m.group(1), "histogram")
        if "liqmap_" in text:
            for line in text.splitlines():
                if "dimensions" in line or "labels:" in line or re.search(r"let d = \[", line):
                    labels.update(re.findall(r'\(\s*"([a-z_]+)"\s*,', line))
    return families, labels


def series_names(families):
    """Every series name Prometheus sees for these families."""
    out = set()
    for name, kind in families.items():
        out |= {name + s for s in ("_bucket", "_sum", "_count")} if kind == "histogram" else {name}
    return out


def camel_to_flag(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", s)
    return s.lower()


def cli_options():
    """`liqmap` subcommand -> the set of its long options (@Option/@Flag, with @OptionGroups)."""
    structs = {}
    for path in sorted((ROOT / "Sources/LiqmapCLI").glob("*.swift")):
        text = path.read_text()
        starts = [(m.start(), m.group(1)) for m in re.finditer(r"^(?:public )?struct (\w+)", text, re.M)]
        for i, (start, name) in enumerate(starts):
            body = text[start: starts[i + 1][0] if i + 1 < len(starts) else len(text)]
            command = re.search(r'commandName: "([^"]+)"', body)
            options = set()
            for m in re.finditer(r"@(?:Option|Flag)\((.*?)\)\s*var\s+(\w+)", body, re.S):
                custom = re.search(r'customLong\("([^"]+)"\)', m.group(1))
                options.add(custom.group(1) if custom else camel_to_flag(m.group(2)))
            groups = re.findall(r"@OptionGroup var \w+: (\w+)", body)
            structs[name] = (command.group(1) if command else None, options, groups)
    top = (ROOT / "Sources/LiqmapCLI/LiqmapCommand.swift").read_text()
    sub = re.search(r"subcommands: \[(.*?)\]", top, re.S).group(1)
    out = {}
    for type_name in re.findall(r"(\w+)\.self", sub):
        command, options, groups = structs[type_name]
        options = set(options)
        pending = list(groups)
        while pending:
            _, more, nested = structs[pending.pop()]
            options |= more
            pending += nested
        out[command] = options
    return out


def check_argv(report, where, argv, options):
    """argv = [subcommand, args...] of the liqmap binary: the subcommand and every --flag exist."""
    if not report.check(bool(argv) and argv[0] in options, where, f"`liqmap {' '.join(argv[:1])}`: no such subcommand"):
        return
    for arg in argv[1:]:
        if arg.startswith("--"):
            flag = arg[2:].split("=", 1)[0]
            report.check(flag in options[argv[0]], where, f"`liqmap {argv[0]}` has no option --{flag}")


def flag_value(argv, flag):
    for i, a in enumerate(argv):
        if a == flag and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


STUB = """#!/bin/sh
# Stands in for liqmap: records its arguments, NUL-separated.
printf '%s\\0' "$@" > "$STUB_OUT"
"""


def stub_dir(tmp):
    """A directory holding an executable `liqmap` stub (put it first on PATH)."""
    d = pathlib.Path(tmp) / "stub"
    d.mkdir(exist_ok=True)
    stub = d / "liqmap"
    stub.write_text(STUB)
    stub.chmod(0o755)
    return d


def run_stubbed(argv, env, tmp, timeout=10):
    """Runs argv with env; returns (exit status, the arguments the liqmap stub received or None, stderr)."""
    out = pathlib.Path(tmp) / "stub.out"
    out.unlink(missing_ok=True)
    env = dict(env, STUB_OUT=str(out))
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    got = out.read_bytes().decode().split("\0")[:-1] if out.exists() else None
    return p.returncode, got, p.stderr.strip()
