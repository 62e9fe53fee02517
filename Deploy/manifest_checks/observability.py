"""Deploy/observability: the dashboard, the alert rules and the scrape configs. Every PromQL
expression must parse and use only series and labels the code exports (or the scrape adds); every
runbook link must reach a section of docs/OPERATIONS.md; the local scrape targets must match the
ports Deploy/local/up gives each process."""
import json
import re
import shutil
import subprocess

import promql_parser
import yaml

import common

OBS = common.DEPLOY / "observability"
# Prometheus' own series, and the target labels of every scrape.
BUILTIN_SERIES = {"up"}
BUILTIN_LABELS = {"job", "instance", "le"}
# Metrics being added with `liqmap status` (issue #7); allowed before they land in Sources.
ANNOUNCED = {"liqmap_collector_last_event_timestamp_seconds", "liqmap_aggregator_stream_lag",
             "liqmap_aggregator_pending", "liqmap_aggregator_last_commit_timestamp_seconds"}
# The alerts the operations guide promises (docs/OPERATIONS.md, Alerts).
REQUIRED_ALERTS = {"LiqmapStreamLagHigh", "LiqmapFeedStalled", "LiqmapMalformedSpike", "LiqmapFencedWrites",
                   "LiqmapPendingEntriesDeleted", "LiqmapDeadLetters", "LiqmapShardWithoutOwner",
                   "LiqmapCollectorDown", "LiqmapSpoolGrowing"}
GRAFANA_RANGES = re.compile(r"\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}")
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")


def slug(heading):
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", path.read_text(), re.M)}


class Vocabulary:
    def __init__(self, target_labels):
        families, labels = common.metrics()
        self.families = families
        self.series = common.series_names(families) | BUILTIN_SERIES | ANNOUNCED
        self.labels = labels | BUILTIN_LABELS | target_labels

    def check_expr(self, report, where, expr):
        try:
            tree = promql_parser.parse(GRAFANA_RANGES.sub("5m", expr))
        except ValueError as e:
            report.fail(where, f"PromQL does not parse ({e}): {expr}")
            return None
        report.check(True, where, "")
        selectors = []

        def visit(node):
            if isinstance(node, promql_parser.VectorSelector):
                selectors.append(node)
                name = node.name
                if name in self.families and self.families[name] == "histogram":
                    report.fail(where, f"{name} is a histogram: use {name}_bucket, _sum or _count")
                else:
                    report.check(name in self.series, where, f"no such metric: {name} (not exported by Sources/, not announced)")
                for m in node.matchers.matchers:
                    report.check(m.name in self.labels, where, f"no such label on any liqmap series: {m.name} (in {name})")
            elif isinstance(node, promql_parser.AggregateExpr) and node.modifier is not None:
                for label in node.modifier.labels:
                    report.check(label in self.labels, where, f"no such label: {label} (in by/without)")
            elif isinstance(node, promql_parser.BinaryExpr) and node.modifier is not None:
                m = node.modifier
                for label in list(m.matching.labels if m.matching else []) + list(m.group_labels or []):
                    report.check(label in self.labels, where, f"no such label: {label} (in on/ignoring/group)")
            return True

        promql_parser.walk(tree, visit)
        return selectors


def target_labels():
    """Labels the scrape configs put on targets (static labels, relabel target_label)."""
    out = set()
    for name in ("prometheus.yml", "prometheus.k8s.yml"):
        for job in yaml.safe_load((OBS / name).read_text()).get("scrape_configs", []):
            for sc in job.get("static_configs", []):
                out |= set(sc.get("labels", {}))
            for rc in job.get("relabel_configs", []):
                t = rc.get("target_label", "")
                if t and not t.startswith("__"):
                    out.add(t)
    return out


def check_dashboard(report, vocab):
    path = OBS / "liqmap-dashboard.json"
    try:
        dash = json.loads(path.read_text())
    except ValueError as e:
        report.fail(path, f"not JSON: {e}")
        return
    inputs = {i.get("name"): i for i in dash.get("__inputs", [])}
    report.check(inputs.get("DS_PROMETHEUS", {}).get("pluginId") == "prometheus", path,
                 "__inputs must declare DS_PROMETHEUS, a prometheus data source")
    ds_ok = lambda ds: isinstance(ds, dict) and ds.get("uid") == "${DS_PROMETHEUS}" and ds.get("type") == "prometheus"
    for var in dash.get("templating", {}).get("list", []):
        where = f"{common.rel(path)} variable {var.get('name')}"
        report.check(ds_ok(var.get("datasource")), where, "data source must be ${DS_PROMETHEUS}")
        q = var.get("query", {})
        q = q.get("query", "") if isinstance(q, dict) else q
        m = re.fullmatch(r"label_values\((\w+), (\w+)\)", q)
        if report.check(m is not None, where, f"expected label_values(metric, label), got {q!r}"):
            vocab.check_expr(report, where, m.group(1))
            report.check(m.group(2) in vocab.labels, where, f"no such label: {m.group(2)}")
    ids, panels = set(), list(dash.get("panels", []))
    for p in list(panels):
        panels += p.get("panels", [])
    report.check(len(panels) > 0, path, "no panels")
    for p in panels:
        where = f"{common.rel(path)} panel {p.get('id')} {p.get('title')!r}"
        report.check(p.get("id") not in ids, where, "duplicate panel id")
        ids.add(p.get("id"))
        g = p.get("gridPos", {})
        report.check({"h", "w", "x", "y"} <= set(g) and g["x"] + g["w"] <= 24, where, f"bad gridPos {g}")
        if p.get("type") in ("row", "text"):
            continue
        report.check(ds_ok(p.get("datasource")), where, "data source must be ${DS_PROMETHEUS}")
        targets = p.get("targets", [])
        report.check(bool(targets), where, "no queries")
        for t in targets:
            report.check(ds_ok(t.get("datasource", p.get("datasource"))), where, "query data source must be ${DS_PROMETHEUS}")
            vocab.check_expr(report, where, t.get("expr", ""))


def check_alerts(report, vocab, jobs):
    path = OBS / "alerts.yml"
    ops = common.ROOT / "docs/OPERATIONS.md"
    known = anchors(ops) if ops.exists() else set()
    report.check(ops.exists(), ops, "missing: the alerts' runbooks")
    doc = yaml.safe_load(path.read_text())
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if not report.check(isinstance(groups, list) and groups, path, "expected a top-level `groups:` list"):
        return
    seen = set()
    for g in groups:
        report.check(isinstance(g.get("name"), str), path, "a group without a name")
        for r in g.get("rules", []):
            name = r.get("alert")
            where = f"{common.rel(path)} {name}"
            if not report.check(isinstance(name, str), path, f"a rule without `alert:` in group {g.get('name')}"):
                continue
            report.check(name not in seen, where, "duplicate alert name")
            seen.add(name)
            selectors = vocab.check_expr(report, where, str(r.get("expr", ""))) or []
            for s in selectors:
                for m in s.matchers.matchers:
                    if s.name == "up" and m.name == "job":
                        report.check(m.value in jobs, where, f"up{{job={m.value!r}}}: no such job in prometheus.yml")
            if "for" in r:
                report.check(DURATION.match(str(r["for"])) is not None, where, f"bad `for:` duration {r['for']!r}")
            report.check(r.get("labels", {}).get("severity") in ("critical", "warning", "info"), where,
                         "labels.severity must be critical, warning or info")
            ann = r.get("annotations", {})
            for key in ("summary", "description", "runbook_url"):
                report.check(bool(ann.get(key)), where, f"annotation {key} missing")
            url = ann.get("runbook_url", "")
            m = re.fullmatch(r"docs/OPERATIONS\.md#([\w-]+)", url)
            if report.check(m is not None, where, f"runbook_url must be docs/OPERATIONS.md#<anchor>, got {url!r}"):
                report.check(m.group(1) in known, where, f"docs/OPERATIONS.md has no section #{m.group(1)}")
                report.check(m.group(1) == slug(name), where, f"runbook anchor should be the alert's own section #{slug(name)}")
    for missing in sorted(REQUIRED_ALERTS - seen):
        report.fail(path, f"alert {missing} is missing")


def local_ports():
    """feed -> collector metrics port, as Deploy/local/up assigns them (9470 + position)."""
    up = (common.DEPLOY / "local/up").read_text()
    feeds = re.search(r'^feeds="([^"]+)"', up, re.M).group(1).split()
    base = int(re.search(r"^port=(\d+)", up, re.M).group(1))
    return {f: base + i for i, f in enumerate(feeds)}


def check_scrape(report):
    path = OBS / "prometheus.yml"
    cfg = yaml.safe_load(path.read_text())
    for rf in cfg.get("rule_files", []):
        report.check((OBS / rf).exists(), path, f"rule file {rf} does not exist")
    jobs = {j["job_name"]: j for j in cfg.get("scrape_configs", [])}
    report.check(len(jobs) == len(cfg.get("scrape_configs", [])), path, "duplicate job_name")
    feeds = common.feeds()
    ports = local_ports()
    report.check(sorted(ports) == sorted(feeds), common.DEPLOY / "local/up",
                 f"feeds {sorted(ports)} differ from Sources/LiqmapCore/Feed.swift {sorted(feeds)}")
    collectors = {}
    for sc in jobs.get("liqmap-collector", {}).get("static_configs", []):
        for t in sc["targets"]:
            collectors[sc.get("labels", {}).get("feed")] = int(t.rsplit(":", 1)[1])
    for f in feeds:
        report.check(collectors.get(f) == ports.get(f), path,
                     f"collector {f}: target port {collectors.get(f)}, Deploy/local/up uses {ports.get(f)}")
    shards = common.configured_shards()
    aggregator = {}
    for sc in jobs.get("liqmap-aggregator", {}).get("static_configs", []):
        for t in sc["targets"]:
            aggregator[int(t.rsplit(":", 1)[1])] = sc.get("labels", {}).get("shard")
    want = {9480 + 2 * s + k: str(s) for s in range(shards) for k in (0, 1)}
    report.check(aggregator == want, path, f"aggregator targets {aggregator}, Deploy/local/up runs {want}")
    gw = [t for sc in jobs.get("liqmap-gateway", {}).get("static_configs", []) for t in sc["targets"]]
    report.check(gw == ["127.0.0.1:8080"], path, f"gateway target {gw}, expected 127.0.0.1:8080")
    k8s = yaml.safe_load((OBS / "prometheus.k8s.yml").read_text())
    for job in k8s.get("scrape_configs", []):
        for rc in job.get("relabel_configs", []):
            try:
                re.compile(rc.get("regex", "(.*)"))
            except re.error as e:
                report.fail(OBS / "prometheus.k8s.yml", f"{job.get('job_name')}: regex {rc.get('regex')!r}: {e}")
            report.check(rc.get("action", "replace") in ("replace", "keep", "drop", "labelmap", "labeldrop", "labelkeep", "hashmod"),
                         OBS / "prometheus.k8s.yml", f"unknown relabel action {rc.get('action')}")
    return set(jobs)


def promtool(report):
    """Prometheus' own loader, where installed (Debian's `prometheus` package; optional: its build
    lacks Kubernetes discovery, so prometheus.k8s.yml is not given to it)."""
    tool = shutil.which("promtool")
    if tool is None:
        print("check-manifests: promtool not installed: rules and config not loaded by Prometheus itself")
        return
    for args in (["check", "rules", "alerts.yml"], ["check", "config", "prometheus.yml"]):
        p = subprocess.run([tool, *args], cwd=OBS, capture_output=True, text=True, timeout=60)
        report.check(p.returncode == 0, OBS / args[-1], f"promtool {' '.join(args)}: {(p.stdout + p.stderr).strip()}")


def run(report):
    promtool(report)
    vocab = Vocabulary(target_labels())
    jobs = check_scrape(report)
    check_dashboard(report, vocab)
    check_alerts(report, vocab, jobs)
