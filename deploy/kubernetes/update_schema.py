"""Refresh the copies of the Zero to JupyterHub chart's schema and defaults kept here.

    python deploy/kubernetes/update_schema.py path/to/zero-to-jupyterhub-k8s/jupyterhub \\
        --source "jupyterhub/zero-to-jupyterhub-k8s@<commit>" --version "<chart version>"

Helm merges a user's config.yaml over the chart's defaults (values.yaml) and validates the
result against the chart's JSON schema (values.schema.yaml, Draft 7) before it renders
anything; tests/test_class.py does the same offline. z2jh-values.schema.json keeps every key,
type and "required" of the schema and drops only the prose descriptions (the chart's
documentation has them); z2jh-values.defaults.json is values.yaml without its comments.
"""

import argparse
import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def trim(node):
    if isinstance(node, dict):
        return {k: trim(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [trim(v) for v in node]
    return node


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chart", type=Path, help="the chart's folder (jupyterhub/ in the chart repository)")
    parser.add_argument("--source", required=True, help="repository@commit it came from")
    parser.add_argument("--version", required=True, help="the chart version it belongs to")
    args = parser.parse_args(argv)
    origin = f"from {args.source}, chart {args.version}; made by deploy/kubernetes/update_schema.py."
    schema = trim(yaml.safe_load((args.chart / "values.schema.yaml").read_text(encoding="utf-8")))
    schema = {"$comment": f"jupyterhub/values.schema.yaml without descriptions, {origin}", **schema}
    defaults = yaml.safe_load((args.chart / "values.yaml").read_text(encoding="utf-8"))
    defaults = {"$comment": f"jupyterhub/values.yaml without comments, {origin}", **defaults}
    for name, data in (("z2jh-values.schema.json", schema), ("z2jh-values.defaults.json", defaults)):
        out = HERE / name
        out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
