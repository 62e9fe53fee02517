"""Deploy/systemd: `systemd-analyze verify` under a temporary root (stub binary), the keys the
layout promises (README there), and every ExecStart run with a stub `liqmap`: instance names map
to the right feed, shard and ports, bad instance names are refused, every flag exists."""
import pathlib
import re
import shlex
import shutil
import subprocess
import tempfile

import common
from observability import local_ports

UNITS = common.DEPLOY / "systemd"
DROPINS = UNITS / "liqmap-.service.d"
SERVICES = ["liqmap-migrate.service", "liqmap-collector@.service", "liqmap-aggregator@.service", "liqmap-gateway.service"]
HOST = "host1"


def parse(text):
    """A unit file as {section: [(key, value)]}: continuation lines joined, comments dropped."""
    sections, current, pending = {}, None, ""
    for raw in text.splitlines():
        if pending and raw.lstrip().startswith(("#", ";")):
            continue
        line = pending + raw
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        s = line.strip()
        if not s or s.startswith(("#", ";")):
            continue
        if s.startswith("[") and s.endswith("]"):
            current = s[1:-1]
            sections.setdefault(current, [])
        elif "=" in s and current:
            k, v = s.split("=", 1)
            sections[current].append((k.strip(), v.strip()))
        else:
            raise ValueError(f"not key=value in a section: {s!r}")
    return sections


def unit_with_dropins(name):
    merged = {}
    for path in [UNITS / name] + sorted(DROPINS.glob("*.conf")):
        for section, items in parse(path.read_text()).items():
            merged.setdefault(section, []).extend(items)
    return merged


def values(unit, section, key):
    return [v for k, v in unit.get(section, []) if k == key]


def env_file():
    out = {}
    for line in (UNITS / "liqmap.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            k, v = line.split("=", 1)
            out[k] = v
    return out


def expand(report, where, word, instance, env, script):
    """systemd's specifier and variable expansion of one ExecStart word."""
    def spec(m):
        table = {"i": instance, "I": instance, "H": HOST, "S": "/var/lib", "%": "%"}
        if m.group(1) not in table:
            report.fail(where, f"specifier %{m.group(1)} not emulated by this check")
        return table.get(m.group(1), "")
    word = re.sub(r"%(.)", spec, word)

    def var(m):
        if m.group(0) == "$$":
            return "$"
        if script:  # systemd would expand (or blank) it before sh runs
            report.fail(where, f"{m.group(0)!r} in the sh -c script: systemd expands it, not sh (write $$ for sh's $)")
        name = m.group(1) or m.group(2)
        return env.get(name, "") if name else m.group(0)
    return re.sub(r"\$\$|\$\{(\w+)\}|\$(\w+)|\$", var, word)


def exec_argv(report, where, unit, instance, env):
    line = values(unit, "Service", "ExecStart")
    if not report.check(len(line) == 1, where, "expected exactly one ExecStart"):
        return None
    words = shlex.split(line[0])
    argv = []
    for i, w in enumerate(words):
        if re.fullmatch(r"\$\w+", w):  # a whole-word $VAR: split into words
            argv += env.get(w[1:], "").split()
            continue
        argv.append(expand(report, where, w, instance, env, script=i > 0 and words[i - 1] == "-c"))
    return argv


def run_unit(report, name, instance, env, tmp, stub):
    unit = unit_with_dropins(name)
    where = f"{common.rel(UNITS / name)} [{instance or 'no instance'}]"
    argv = exec_argv(report, where, unit, instance, env)
    if argv is None:
        return None, None, where
    for k, v in unit.get("Service", []):
        if k == "Environment":
            for assignment in shlex.split(v):
                key, val = assignment.split("=", 1)
                env = dict(env, **{key: expand(report, where, val, instance, env, False)})
    if argv[:2] == ["/bin/sh", "-c"]:
        syntax = subprocess.run(["/bin/sh", "-n", "-c", argv[2]], capture_output=True, text=True)
        report.check(syntax.returncode == 0, where, f"sh syntax: {syntax.stderr.strip()}")
    argv = [a.replace("/usr/local/bin/liqmap", str(stub / "liqmap")) for a in argv]
    rc, got, err = common.run_stubbed(argv, dict(env, PATH=f"{stub}:/usr/bin:/bin"), tmp)
    return rc, got, where


def check_keys(report):
    for name in SERVICES:
        u = unit_with_dropins(name)
        where = UNITS / name
        def has(section, key, value=None, contains=None):
            vs = values(u, section, key)
            ok = bool(vs) if value is None and contains is None else (value in vs if value else any(contains in v for v in vs))
            report.check(ok, where, f"[{section}] {key}{'=' + value if value else ''}{' containing ' + contains if contains else ''} missing")
        has("Service", "EnvironmentFile", "/etc/liqmap/liqmap.env")
        has("Service", "NoNewPrivileges", "yes")
        has("Service", "ProtectSystem", "strict")
        report.check("yes" in values(u, "Service", "DynamicUser") or bool(values(u, "Service", "User")), where,
                     "neither DynamicUser=yes nor User=")
        has("Unit", "PartOf", "liqmap.target")
        report.check(any("/usr/local/bin/liqmap" in v for v in values(u, "Service", "ExecStart")), where,
                     "ExecStart does not run /usr/local/bin/liqmap")
        if name == "liqmap-migrate.service":
            has("Service", "Type", "oneshot")
            continue
        has("Service", "Restart", "on-failure")
        has("Service", "KillSignal", "SIGTERM")
        has("Service", "TimeoutStopSec")
        has("Install", "WantedBy", "liqmap.target")
        if name != "liqmap-collector@.service":
            has("Unit", "Requires", contains="liqmap-migrate.service")
            has("Unit", "After", contains="liqmap-migrate.service")
        else:
            state = values(u, "Service", "StateDirectory")
            home = [v for v in values(u, "Service", "Environment") if v.startswith("LIQMAP_HOME=")]
            report.check(bool(state) and bool(home) and home[0] == f"LIQMAP_HOME=%S/{state[0]}", where,
                         "the collector's LIQMAP_HOME (its spool) must be its StateDirectory (%S/<StateDirectory>)")
    env = env_file()
    for key in ("LIQMAP_REDIS_URL", "LIQMAP_POSTGRES_URL", "LIQMAP_CLUSTER_SHARDS", "LIQMAP_CONFIG"):
        report.check(key in env, UNITS / "liqmap.env", f"{key} missing")
    report.check(env.get("LIQMAP_CLUSTER_SHARDS") == str(common.configured_shards()), UNITS / "liqmap.env",
                 "LIQMAP_CLUSTER_SHARDS differs from Config/liqmap.json cluster.shards")
    report.check(not parse((UNITS / "liqmap.target").read_text()).get("Service"), UNITS / "liqmap.target", "a target has no [Service]")


def check_instances(report, tmp):
    stub = common.stub_dir(tmp)
    options = common.cli_options()
    env = env_file()
    shards = int(env["LIQMAP_CLUSTER_SHARDS"])
    ports = local_ports()
    seen_ports = {}
    for feed in common.feeds():
        rc, got, where = run_unit(report, "liqmap-collector@.service", feed, env, tmp, stub)
        if report.check(rc == 0 and got, where, f"exit {rc}, liqmap not run"):
            common.check_argv(report, where, got, options)
            report.check(got[:3] == ["collector", "--feed", feed], where, f"runs {got}")
            port = common.flag_value(got, "--metrics-port")
            report.check(port == str(ports.get(feed)), where, f"--metrics-port {port}, Deploy/local/up uses {ports.get(feed)}")
            seen_ports[port] = seen_ports.get(port, 0) + 1
    rc, got, where = run_unit(report, "liqmap-collector@.service", "nosuchfeed", env, tmp, stub)
    report.check(rc != 0 and got is None, where, "a feed without a port must be refused")
    for s in range(shards):
        for r in (0, 1):
            rc, got, where = run_unit(report, "liqmap-aggregator@.service", f"{s}-{r}", env, tmp, stub)
            if report.check(rc == 0 and got, where, f"exit {rc}, liqmap not run"):
                common.check_argv(report, where, got, options)
                want = {"--shard": str(s), "--shards": str(shards), "--metrics-port": str(9480 + 2 * s + r),
                        "--consumer": f"{HOST}-aggregator-{s}-{r}"}
                for flag, value in want.items():
                    report.check(common.flag_value(got, flag) == value, where, f"{flag} {common.flag_value(got, flag)}, expected {value}")
                seen_ports[common.flag_value(got, "--metrics-port")] = seen_ports.get(common.flag_value(got, "--metrics-port"), 0) + 1
    for bad in ("5", "0-a", "0-1-2", "x-1", "-1", "1-", ""):
        rc, got, where = run_unit(report, "liqmap-aggregator@.service", bad, env, tmp, stub)
        report.check(rc != 0 and got is None, where, f"instance {bad!r} must be refused")
    report.check(all(n == 1 for n in seen_ports.values()), UNITS, f"metrics ports used twice on one host: {seen_ports}")
    rc, got, where = run_unit(report, "liqmap-gateway.service", "", env, tmp, stub)
    if report.check(rc == 0 and got, where, f"exit {rc}"):
        common.check_argv(report, where, got, options)
    rc, got, where = run_unit(report, "liqmap-migrate.service", "", env, tmp, stub)
    report.check(rc == 0 and got == ["migrate"], where, f"exit {rc}, ran {got}")


def verify(report, tmp):
    """systemd-analyze verify, under a root holding the units, a stub binary and a shell."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("check-manifests: systemd-analyze not found: units checked by the key parse only")
        return
    root = pathlib.Path(tmp) / "root"
    system = root / "etc/systemd/system"
    system.mkdir(parents=True)
    for name in SERVICES + ["liqmap.target"]:
        shutil.copy(UNITS / name, system / name)
    shutil.copytree(DROPINS, system / DROPINS.name)
    (root / "etc/liqmap").mkdir()
    shutil.copy(UNITS / "liqmap.env", root / "etc/liqmap/liqmap.env")
    (root / "usr/local/bin").mkdir(parents=True)
    shutil.copy(common.stub_dir(tmp) / "liqmap", root / "usr/local/bin/liqmap")
    (root / "bin").mkdir()
    shutil.copy(pathlib.Path("/bin/sh").resolve(), root / "bin/sh")
    names = ["liqmap-migrate.service", "liqmap-collector@okx.service", "liqmap-aggregator@0-1.service",
             "liqmap-gateway.service", "liqmap.target"]
    p = subprocess.run([analyze, "verify", f"--root={root}", "--man=no", "--recursive-errors=no", *names],
                       capture_output=True, text=True, timeout=60, cwd=tmp)
    out = (p.stdout + p.stderr).strip().replace(str(root), "")
    report.check(p.returncode == 0 and not out, UNITS, f"systemd-analyze verify: {out or 'exit ' + str(p.returncode)}")


def run(report):
    check_keys(report)
    with tempfile.TemporaryDirectory() as tmp:
        check_instances(report, tmp)
    with tempfile.TemporaryDirectory() as tmp:
        verify(report, tmp)
