"""Deploy/docker and .dockerignore: the Dockerfile's build flags, toolchain and user; the build
context; compose.yaml alone and with compose.live.yaml against the Compose Specification schema,
and the cluster it describes (feeds, simulator ports, shards, dependencies, flags)."""
import copy
import fnmatch
import importlib.resources
import json
import re
import shutil
import subprocess

import jsonschema
import yaml

import common

DOCKER = common.DEPLOY / "docker"


def check_dockerfile(report):
    path = DOCKER / "Dockerfile"
    text = path.read_text()
    joined = re.sub(r"\\\n", " ", text)
    stages = re.split(r"^FROM ", joined, flags=re.M)[1:]
    if not report.check(len(stages) >= 2, path, "expected a multi-stage build (a builder and a runtime stage)"):
        return
    build, runtime = stages[0], stages[-1]
    commands = [c for run in re.findall(r"^RUN (.*)$", build, re.M) for c in re.split(r"&&|;", run)]
    swift_build = [c for c in commands if "swift build" in c and "--product liqmap" in c]
    report.check(any("--static-swift-stdlib" in c and "-c release" in c for c in swift_build),
                 path, "the builder must run swift build -c release --static-swift-stdlib --product liqmap")
    for pkg in ("libpq-dev", "libhiredis-dev", "zlib1g-dev"):
        report.check(re.search(rf"apt-get install[^\n]*\b{pkg}\b", build) is not None, path, f"the builder does not install {pkg}")
    for pkg in ("libpq5", "libhiredis", "zlib1g", "ca-certificates"):
        report.check(re.search(rf"apt-get install[^\n]*\b{pkg}", runtime) is not None, path, f"the runtime does not install {pkg}")
    users = re.findall(r"^USER (\S+)", runtime, re.M)
    report.check(bool(users) and users[-1].split(":")[0] not in ("root", "0"), path, f"the runtime must end with a non-root USER, has {users}")
    report.check(re.search(r"^ENTRYPOINT \[\"/usr/local/bin/liqmap\"\]", runtime, re.M) is not None, path,
                 "the entrypoint must be /usr/local/bin/liqmap (compose and Kubernetes pass subcommands as arguments)")
    for tool, who in (("curl", "health checks and probes"),):
        report.check(re.search(rf"apt-get install[^\n]*\b{tool}\b", runtime) is not None, path, f"the runtime needs {tool} ({who})")
    image = re.search(r"^ARG SWIFT_IMAGE=swift:(\d+\.\d+(?:\.\d+)?)", text, re.M)
    if report.check(image is not None, path, "ARG SWIFT_IMAGE=swift:<version>-… missing"):
        swift = shutil.which("swift")
        if swift:
            out = subprocess.run([swift, "--version"], capture_output=True, text=True, timeout=60).stdout
            here = re.search(r"Swift version (\d+\.\d+(?:\.\d+)?)", out)
            report.check(here is None or here.group(1) == image.group(1), path,
                         f"builder image swift:{image.group(1)}, but this machine's toolchain is {here and here.group(1)}")
        else:
            print("check-manifests: no swift on PATH: the builder image's version is not compared with the toolchain")


def check_dockerignore(report):
    path = common.ROOT / ".dockerignore"
    if not report.check(path.exists(), path, "missing"):
        return
    patterns = [l.strip() for l in path.read_text().splitlines() if l.strip() and not l.startswith("#")]
    excluded = lambda name: any(fnmatch.fnmatch(name, p.rstrip("/")) for p in patterns)
    for name in (".build", ".build-ci", ".liqmap", ".liqmap-ci", ".git"):
        report.check(excluded(name), path, f"{name} is not excluded from the build context")
    # The manifest names test targets too: SwiftPM wants their folders present.
    for name in ("Package.swift", "Sources", "Tests", "Config"):
        report.check(not excluded(name), path, f"{name} is excluded, but the build needs it")


def compose_schema():
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendor / "compose-spec.json").read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def merge(base, override):
    """Compose's merge of an override file, as far as these files use it: mappings merge, lists
    replace, except `profiles` and `ports`, which add up."""
    out = copy.deepcopy(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        elif k in ("profiles", "ports") and isinstance(out.get(k), list):
            out[k] = out[k] + [x for x in v if x not in out[k]]
        else:
            out[k] = copy.deepcopy(v)
    return out


def check_cluster(report, where, doc, live):
    services = doc.get("services", {})
    options = common.cli_options()
    feeds = common.feeds()
    for name, svc in services.items():
        for dep in svc.get("depends_on", {}):
            report.check(dep in services, where, f"{name} depends on unknown service {dep}")
        cmd = svc.get("command")
        if svc.get("image") == "liqmap:local":
            if report.check(isinstance(cmd, list), where, f"{name}: command must be a list of liqmap arguments"):
                common.check_argv(report, f"{where} {name}", cmd, options)
    redis = services.get("redis", {})
    report.check("--appendonly" in redis.get("command", []) and "yes" in redis.get("command", []), where, "redis must run with --appendonly yes")
    report.check("postgres" in services, where, "no postgres service")
    migrate = services.get("migrate", {})
    report.check(migrate.get("command") == ["migrate"] and migrate.get("restart") == "no", where, "migrate must be a one-shot `migrate`")
    sim = services.get("simulator", {}).get("command", [])
    sim_feeds = (common.flag_value(sim, "--feeds") or "").split(",")
    base = int(common.flag_value(sim, "--port-base") or 0)
    if live:
        report.check("simulated" in services.get("simulator", {}).get("profiles", []), where, "the live override must keep the simulator from starting")
    else:
        report.check(sim[:2] == ["simulate", "--serve"] and sorted(sim_feeds) == sorted(feeds), where,
                     f"the simulator must serve every feed, serves {sim_feeds}")
        report.check(common.flag_value(sim, "--host") == "0.0.0.0", where, "the simulator must listen beyond its container's loopback")
    for feed in feeds:
        svc = services.get(f"collector-{feed}")
        if not report.check(svc is not None, where, f"no collector-{feed} service"):
            continue
        cmd = svc.get("command", [])
        report.check(common.flag_value(cmd, "--feed") == feed, where, f"collector-{feed} runs --feed {common.flag_value(cmd, '--feed')}")
        ep, rest = common.flag_value(cmd, "--endpoint"), common.flag_value(cmd, "--rest-endpoint")
        if live:
            report.check(ep is None and rest is None, where, f"collector-{feed}: a live collector has no --endpoint/--rest-endpoint")
        elif feed in sim_feeds:
            port = base + sim_feeds.index(feed)
            report.check(ep == f"ws://simulator:{port}" and rest == f"http://simulator:{port}", where,
                         f"collector-{feed}: endpoints {ep} {rest}, the simulator serves it on {port}")
        mport = common.flag_value(cmd, "--metrics-port")
        report.check(mport is not None and mport in " ".join(svc.get("healthcheck", {}).get("test", [])), where,
                     f"collector-{feed}: the health check does not probe --metrics-port {mport}")
        report.check(any(v.endswith(":/var/lib/liqmap") for v in svc.get("volumes", [])), where,
                     f"collector-{feed}: LIQMAP_HOME (the spool) needs a volume")
    shards = {}
    consumers = set()
    for name, svc in services.items():
        cmd = svc.get("command") or []
        if cmd[:1] != ["aggregator"]:
            continue
        s, n, c = common.flag_value(cmd, "--shard"), common.flag_value(cmd, "--shards"), common.flag_value(cmd, "--consumer")
        env_n = svc.get("environment", {}).get("LIQMAP_CLUSTER_SHARDS")
        report.check(n == env_n, where, f"{name}: --shards {n} but LIQMAP_CLUSTER_SHARDS {env_n}")
        report.check(c not in consumers, where, f"{name}: consumer name {c} used twice")
        consumers.add(c)
        shards.setdefault((s, n), []).append(name)
        report.check(svc.get("depends_on", {}).get("migrate", {}).get("condition") == "service_completed_successfully", where,
                     f"{name} must start after migrate completed")
    counts = {k: len(v) for k, v in shards.items()}
    n = {k[1] for k in shards}
    want = {(str(s), next(iter(n))): 2 for s in range(int(next(iter(n))))} if len(n) == 1 else None
    report.check(want is not None and counts == want, where, f"aggregators per (shard, shards): {counts}; want 2 for each shard")
    gw = services.get("gateway", {})
    report.check(any(str(p).endswith(":8080") for p in gw.get("ports", [])), where, "the gateway must be published on 8080")


def run(report):
    check_dockerfile(report)
    check_dockerignore(report)
    validator = compose_schema()
    base = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    live = yaml.safe_load((DOCKER / "compose.live.yaml").read_text())
    for where, doc, is_live in ((DOCKER / "compose.yaml", base, False),
                                (f"{common.rel(DOCKER / 'compose.yaml')} + compose.live.yaml", merge(base, live), True)):
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:10]:
            report.fail(where, f"Compose Specification: {'/'.join(map(str, e.path))}: {e.message}")
        report.check(True, where, "")
        check_cluster(report, where, doc, is_live)
