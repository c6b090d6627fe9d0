"""Static checks of the deployment files (no Docker engine or cluster needed):

    .venv/bin/python deploy/check.py

Every manifest parses as YAML, has apiVersion/kind/metadata.name, selectors match their
pod labels, the Deployment probes /readyz and /healthz on a declared port and takes
its secrets from the Secret the example defines, the HPA and PDB point at it, the
kustomization lists files that exist, and every COPY source of the Dockerfile exists
and passes its ignore list. Exit status 1 with one line per problem.
"""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
K8S = DEPLOY / "k8s"
REQUIRED_SECRETS = {"PALISADE_SIGNING_KEYS", "PALISADE_ADMIN_TOKEN", "PALISADE_REDIS_URL"}


def load_all() -> dict[str, list[dict[str, Any]]]:
    docs: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        docs[path.name] = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    return docs


def by_kind(docs: dict[str, list[dict[str, Any]]], kind: str) -> list[dict[str, Any]]:
    return [d for ds in docs.values() for d in ds if d.get("kind") == kind]


def check_manifests(problems: list[str]) -> None:
    docs = load_all()
    for name, items in docs.items():
        for doc in items:
            if name == "kustomization.yaml":
                continue
            for key in ("apiVersion", "kind"):
                if key not in doc:
                    problems.append(f"{name}: a document without {key}")
            if not doc.get("metadata", {}).get("name"):
                problems.append(f"{name}: {doc.get('kind')} without metadata.name")

    kustomization = docs["kustomization.yaml"][0]
    for resource in kustomization["resources"]:
        if not (K8S / resource).exists():
            problems.append(f"kustomization.yaml: {resource} does not exist")

    for workload in by_kind(docs, "Deployment") + by_kind(docs, "StatefulSet"):
        name = workload["metadata"]["name"]
        selector = workload["spec"]["selector"]["matchLabels"]
        labels = workload["spec"]["template"]["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in selector.items()):
            problems.append(f"{name}: selector {selector} does not match pod labels {labels}")

    (deployment,) = by_kind(docs, "Deployment")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    ports = {p["name"] for p in container["ports"]}
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        got = container.get(probe, {}).get("httpGet", {})
        if got.get("path") != path or got.get("port") not in ports:
            problems.append(f"deployment: {probe} should GET {path} on a declared port")
    if not container.get("resources", {}).get("requests"):
        problems.append("deployment: no resource requests (the HPA needs them)")
    secret_env = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in container.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    if set(secret_env) != REQUIRED_SECRETS:
        problems.append(
            f"deployment: secret env {sorted(secret_env)} != {sorted(REQUIRED_SECRETS)}"
        )
    secret = next(s for s in by_kind(docs, "Secret") if s["metadata"]["name"] == "palisade")
    for env_name, ref in secret_env.items():
        if ref["name"] != "palisade" or ref["key"] not in secret["stringData"]:
            problems.append(f"deployment: {env_name} refers to a key the Secret lacks")
    if deployment["spec"]["template"]["spec"]["securityContext"].get("runAsNonRoot") is not True:
        problems.append("deployment: pods must run as non-root")

    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    (hpa,) = by_kind(docs, "HorizontalPodAutoscaler")
    if hpa["spec"]["scaleTargetRef"]["name"] != deployment["metadata"]["name"]:
        problems.append("hpa: does not target the Deployment")
    for pdb in by_kind(docs, "PodDisruptionBudget"):
        selector = pdb["spec"]["selector"]["matchLabels"]
        matched = [
            w
            for w in by_kind(docs, "Deployment") + by_kind(docs, "StatefulSet")
            if all(
                w["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in selector.items()
            )
        ]
        if not matched:
            problems.append(f"pdb {pdb['metadata']['name']}: selects no workload")
    for service in by_kind(docs, "Service"):
        selector = service["spec"]["selector"]
        if service["metadata"]["name"] == "palisade" and any(
            pod_labels.get(k) != v for k, v in selector.items()
        ):
            problems.append("service palisade: selector does not match the Deployment's pods")


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker ignore semantics, enough for an allow-list: the last matching rule wins."""
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        rule = pattern.removeprefix("!").rstrip("/").removeprefix("**/")
        parts = Path(path).parts
        hit = any(
            fnmatch.fnmatch("/".join(parts[: i + 1]), rule) or fnmatch.fnmatch(parts[i], rule)
            for i in range(len(parts))
        )
        if hit:
            result = not negate
    return result


def check_dockerfile(problems: list[str]) -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    patterns = [
        line.strip()
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for line in dockerfile.splitlines():
        words = line.split()
        if not words or words[0] != "COPY" or any(w.startswith("--from") for w in words):
            continue
        for source in words[1:-1]:
            if not (REPO / source).exists():
                problems.append(f"Dockerfile: COPY source {source} does not exist")
            elif ignored(source.rstrip("/"), patterns):
                problems.append(f"Dockerfile: COPY source {source} is excluded by the ignore list")
    for line in dockerfile.splitlines():
        if line.startswith("FROM ") and ":" not in line.split()[1]:
            problems.append(f"Dockerfile: unpinned base image: {line}")
    if "\nUSER " not in dockerfile:
        problems.append("Dockerfile: the runtime stage does not drop root")


def main() -> int:
    problems: list[str] = []
    check_manifests(problems)
    check_dockerfile(problems)
    for problem in problems:
        print(problem)
    files = len(list(K8S.glob("*.yaml")))
    print(f"{files} manifests and the Dockerfile checked: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
