"""Deploy/k8s: every manifest against the Kubernetes JSON schemas (kubernetes-validate, strict),
the kustomization, the ConfigMap against Config/, one collector per feed, the aggregator
wrapper run for every pod ordinal (each shard exactly one owner and one standby), and the pod
hardening, resources and probes the README promises."""
import json
import re
import tempfile

import kubernetes_validate
import yaml

import common

K8S = common.DEPLOY / "k8s"
VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
OPTIONAL = {"status-cronjob.yaml"}  # documented as optional, not in kustomization.yaml


def load(report):
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for d in yaml.safe_load_all(path.read_text()):
            if d:
                docs.append((path, d))
    return docs


def check_kustomization(report):
    path = K8S / "kustomization.yaml"
    k = yaml.safe_load(path.read_text())
    listed = k.get("resources", [])
    for r in listed:
        report.check((K8S / r).exists(), path, f"resource {r} does not exist")
    for f in sorted(p.name for p in K8S.glob("*.yaml")):
        if f != "kustomization.yaml" and f not in OPTIONAL:
            report.check(f in listed, path, f"{f} is not in resources")
    report.check(k.get("namespace") == "liqmap", path, "namespace must be liqmap")
    report.check(any(i.get("name") == "liqmap" for i in k.get("images", [])), path, "images: has no entry for the liqmap image")


def pod_specs(doc):
    """(kind/name, pod template metadata, pod spec) of a workload."""
    kind, name = doc.get("kind"), doc.get("metadata", {}).get("name")
    spec = doc.get("spec", {})
    if kind == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    if kind in ("Deployment", "StatefulSet", "Job", "CronJob"):
        t = spec.get("template", {})
        yield f"{kind}/{name}", t.get("metadata", {}), t.get("spec", {})


def container_env(container, docs):
    """The environment a container sees: env values and every key of its envFrom sources."""
    env = {}
    by_name = {(d["kind"], d["metadata"]["name"]): d for _, d in docs}
    for src in container.get("envFrom", []):
        if "configMapRef" in src:
            env.update(by_name.get(("ConfigMap", src["configMapRef"]["name"]), {}).get("data", {}))
        if "secretRef" in src:
            env.update(by_name.get(("Secret", src["secretRef"]["name"]), {}).get("stringData", {}))
    for e in container.get("env", []):
        env[e["name"]] = e.get("value", f"<{e['name']}>")
    return env


def expand(text, env):
    """Kubernetes' $(VAR) expansion of command and args: $$ is $, an unknown $(X) stays as it is."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i) and (j := text.find(")", i + 2)) != -1:
            name = text[i + 2: j]
            out.append(env.get(name, text[i: j + 1]))
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def check_pods(report, docs):
    options = common.cli_options()
    for path, doc in docs:
        for where, meta, spec in pod_specs(doc):
            where = f"{common.rel(path)} {where}"
            volumes = {v["name"]: v for v in spec.get("volumes", [])}
            pod_sec = spec.get("securityContext", {})
            for c in spec.get("initContainers", []) + spec.get("containers", []):
                cw = f"{where} container {c['name']}"
                sec = c.get("securityContext", {})
                report.check(pod_sec.get("runAsNonRoot") or sec.get("runAsNonRoot"), cw, "runAsNonRoot missing")
                report.check(sec.get("readOnlyRootFilesystem") is True, cw, "readOnlyRootFilesystem must be true")
                report.check(sec.get("allowPrivilegeEscalation") is False, cw, "allowPrivilegeEscalation must be false")
                report.check("ALL" in sec.get("capabilities", {}).get("drop", []), cw, "capabilities must drop ALL")
                res = c.get("resources", {})
                report.check({"cpu", "memory"} <= set(res.get("requests", {})) and "memory" in res.get("limits", {}), cw,
                             "needs cpu and memory requests and a memory limit")
                report.check(c.get("image") == "liqmap", cw, f"image {c.get('image')!r}: the kustomization rewrites `liqmap`")
                mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
                for m, v in mounts.items():
                    report.check(v in volumes, cw, f"mount {m}: no volume {v}")
                env = container_env(c, docs)
                if "LIQMAP_CONFIG" in env:
                    d = env["LIQMAP_CONFIG"].rsplit("/", 1)[0]
                    report.check(volumes.get(mounts.get(d), {}).get("configMap", {}).get("name") == "liqmap-config", cw,
                                 f"LIQMAP_CONFIG={env['LIQMAP_CONFIG']} but {d} is not the liqmap-config ConfigMap")
                if "command" not in c and c.get("args"):
                    common.check_argv(report, cw, [expand(a, env) for a in c["args"]], options)
            if doc["kind"] in ("Deployment", "StatefulSet"):
                ann = meta.get("annotations", {})
                ports = {str(p["containerPort"]) for c in spec["containers"] for p in c.get("ports", [])}
                report.check(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") in ports, where,
                             f"prometheus.io/scrape and a prometheus.io/port among the declared ports {sorted(ports)} needed")
                for c in spec["containers"]:
                    report.check("livenessProbe" in c, f"{where} container {c['name']}", "no livenessProbe")
                check_loopback(report, where, spec, ann.get("prometheus.io/port"))


def check_loopback(report, where, spec, scraped=None):
    """Exec probes must aim at the port the main container serves metrics on; a scraped metrics port
    must be bound beyond loopback (--metrics-host 0.0.0.0), or Prometheus cannot reach it."""
    main = spec["containers"][0]
    args = main.get("args") or []
    text = " ".join(main.get("command", []) + args)
    port = re.search(r"--metrics-port[ =\"]+(\d+)", text)
    if not port:
        return
    port = port.group(1)
    for c in spec["containers"]:
        for probe in ("livenessProbe", "readinessProbe"):
            cmd = " ".join(c.get(probe, {}).get("exec", {}).get("command", []))
            if cmd:
                report.check(f"127.0.0.1:{port}/" in cmd, f"{where} {c['name']} {probe}", f"does not probe the metrics port {port}")
    if scraped == port:
        report.check(re.search(r"--metrics-host[ =\"]+0\.0\.0\.0", text) is not None, f"{where} {main['name']}",
                     f"prometheus.io/port {port} is the metrics port: it needs --metrics-host 0.0.0.0 (the default binds 127.0.0.1)")


def check_collectors(report, docs):
    feeds = common.feeds()
    found = {}
    for path, d in docs:
        if d["kind"] == "Deployment" and d["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "collector":
            c = d["spec"]["template"]["spec"]["containers"][0]
            feed = common.flag_value(c.get("args", []), "--feed")
            found.setdefault(feed, []).append(d["metadata"]["name"])
            labels = d["spec"]["template"]["metadata"]["labels"]
            report.check(labels.get("liqmap.io/feed") == feed, path, f"{d['metadata']['name']}: label liqmap.io/feed differs from --feed {feed}")
            report.check(d["spec"].get("replicas") == 1, path, f"{d['metadata']['name']}: one collector per feed")
    for feed in feeds:
        report.check(len(found.get(feed, [])) == 1, K8S / "collectors.yaml", f"feed {feed}: {found.get(feed, [])} Deployments, want 1")
    for extra in set(found) - set(feeds):
        report.fail(K8S / "collectors.yaml", f"a collector for unknown feed {extra}")


def check_aggregators(report, docs, shards):
    sts = [(p, d) for p, d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "liqmap-aggregator"]
    if not report.check(len(sts) == 1, K8S / "aggregators.yaml", "no StatefulSet liqmap-aggregator"):
        return
    path, d = sts[0]
    replicas = d["spec"].get("replicas")
    report.check(replicas == 2 * shards, path, f"replicas {replicas}, want 2 x LIQMAP_CLUSTER_SHARDS = {2 * shards}")
    c = d["spec"]["template"]["spec"]["containers"][0]
    env = container_env(c, docs)
    argv = [expand(a, env) for a in c.get("command", []) + c.get("args", [])]
    options = common.cli_options()
    pods = {}
    with tempfile.TemporaryDirectory() as tmp:
        stub = common.stub_dir(tmp)
        base = dict(env, PATH=f"{stub}:/usr/bin:/bin")
        for ordinal in range(replicas or 0):
            host = f"{d['metadata']['name']}-{ordinal}"
            rc, got, err = common.run_stubbed(argv, dict(base, HOSTNAME=host), tmp)
            where = f"{common.rel(path)} wrapper, pod {host}"
            if not report.check(rc == 0 and got, where, f"exit {rc}, liqmap not run: {err}"):
                continue
            common.check_argv(report, where, got, options)
            report.check(got[0] == "aggregator", where, f"runs liqmap {got[0]}")
            shard = common.flag_value(got, "--shard")
            report.check(shard == str(ordinal % shards), where, f"--shard {shard}, want {ordinal} mod {shards} = {ordinal % shards}")
            report.check(common.flag_value(got, "--shards") == str(shards), where, f"--shards {common.flag_value(got, '--shards')}")
            report.check(common.flag_value(got, "--consumer") == host, where, "--consumer must be the pod name")
            pods.setdefault(shard, []).append(host)
        for host in ("liqmap-aggregator", "aggregator-x"):
            rc, got, _ = common.run_stubbed(argv, dict(base, HOSTNAME=host), tmp)
            report.check(rc != 0 and got is None, path, f"HOSTNAME={host} (no ordinal) must be refused")
    report.check(sorted(pods) == sorted(str(s) for s in range(shards)) and all(len(v) == 2 for v in pods.values()), path,
                 f"pods per shard {pods}: every shard needs exactly an owner and a standby")


def check_gateway_and_budgets(report, docs):
    by = {(d["kind"], d["metadata"]["name"]): (p, d) for p, d in docs}
    templates = {k: d["spec"]["template"]["metadata"]["labels"] for k, (p, d) in by.items() if k[0] in ("Deployment", "StatefulSet")}
    matches = lambda sel: [k for k, labels in templates.items() if all(labels.get(a) == b for a, b in sel.items())]
    gw = by.get(("Deployment", "liqmap-gateway"))
    if report.check(gw is not None, K8S / "gateway.yaml", "no Deployment liqmap-gateway"):
        p, d = gw
        c = d["spec"]["template"]["spec"]["containers"][0]
        report.check(c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz", p, "gateway liveness must be httpGet /healthz")
        report.check(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz", p, "gateway readiness must be httpGet /readyz")
        report.check(common.flag_value(c.get("args", []), "--host") == "0.0.0.0", p, "the gateway must bind 0.0.0.0 in its pod")
    hpa = by.get(("HorizontalPodAutoscaler", "liqmap-gateway"))
    if report.check(hpa is not None, K8S / "gateway.yaml", "no HorizontalPodAutoscaler"):
        p, d = hpa
        ref = d["spec"]["scaleTargetRef"]
        report.check(d["apiVersion"] == "autoscaling/v2" and ("Deployment", ref["name"]) in by, p, "the HPA must be autoscaling/v2 on the gateway Deployment")
    for component in ("aggregator", "gateway"):
        pdbs = [(p, d) for (k, _), (p, d) in by.items() if k == "PodDisruptionBudget"
                and d["metadata"]["labels"].get("app.kubernetes.io/component") == component]
        if report.check(len(pdbs) == 1, K8S / "pdb.yaml", f"no PodDisruptionBudget for the {component}s"):
            p, d = pdbs[0]
            report.check(len(matches(d["spec"]["selector"]["matchLabels"])) == 1, p, f"the {component} PDB selects {matches(d['spec']['selector']['matchLabels'])}")
    for (kind, name), (p, d) in by.items():
        if kind == "Service":
            report.check(bool(matches(d["spec"]["selector"])), p, f"Service {name} selects no pod template")


def check_config(report, docs):
    by = {(d["kind"], d["metadata"]["name"]): d for _, d in docs}
    cm = by.get(("ConfigMap", "liqmap-config"), {}).get("data", {})
    for name in ("liqmap.json", "model.json", "margin-tiers.json"):
        want = json.loads((common.ROOT / "Config" / name).read_text())
        try:
            got = json.loads(cm.get(name, "null"))
        except ValueError as e:
            got = f"not JSON: {e}"
        report.check(got == want, K8S / "configmap.yaml", f"liqmap-config {name} differs from Config/{name}")
    env = by.get(("ConfigMap", "liqmap-env"), {}).get("data", {})
    shards = env.get("LIQMAP_CLUSTER_SHARDS", "")
    report.check(shards.isdigit() and int(shards) == common.configured_shards(), K8S / "configmap.yaml",
                 f"LIQMAP_CLUSTER_SHARDS {shards!r} differs from Config/liqmap.json cluster.shards")
    secret = by.get(("Secret", "liqmap-secrets"), {}).get("stringData", {})
    for key in ("LIQMAP_REDIS_URL", "LIQMAP_POSTGRES_URL"):
        report.check(key in secret, K8S / "secret.yaml", f"{key} missing")
    return int(shards) if shards.isdigit() else 0


def run(report):
    check_kustomization(report)
    docs = load(report)
    for path, d in docs:
        for version in VERSIONS:
            try:
                kubernetes_validate.validate(d, version, strict=True)
                report.check(True, path, "")
            except kubernetes_validate.ValidationError as e:
                report.fail(path, f"{d.get('kind')}/{d.get('metadata', {}).get('name')} against Kubernetes {version}: "
                                  f"{'.'.join(map(str, e.path))}: {e.message}")
            except kubernetes_validate.SchemaNotFoundError as e:
                report.fail(path, f"no Kubernetes {version} schema for {d.get('apiVersion')} {d.get('kind')}: {e}")
    shards = check_config(report, docs)
    check_pods(report, docs)
    check_collectors(report, docs)
    check_aggregators(report, docs, shards)
    check_gateway_and_budgets(report, docs)
