"""Every YAML file under Deploy/ parses (all documents)."""
import yaml

import common

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def run(report):
    paths = sorted(p for ext in ("*.yml", "*.yaml") for p in common.DEPLOY.rglob(ext))
    report.check(bool(paths), common.DEPLOY, "no YAML files found")
    for path in paths:
        try:
            docs = list(yaml.load_all(path.read_text(), Loader=LOADER))
            report.check(any(d is not None for d in docs), path, "empty")
        except yaml.YAMLError as e:
            report.fail(path, f"does not parse: {e}")
