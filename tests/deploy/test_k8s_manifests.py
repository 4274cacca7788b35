"""The Kubernetes manifests: both overlays render with `kubectl kustomize`, validate against the
Kubernetes API schemas offline, and keep the promises docs/deploy.md makes about them."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot.runtime import shutdown
from bot.ticker import STOP_GRACE_SECONDS

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ("pilot", "production")
# The oldest Kubernetes release the manifests promise to work on, and the newest schemas known.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
SECRET_VARIABLES = (
    "KROKODIL_DATABASE_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TEAMS_APP_ID",
    "TEAMS_APP_PASSWORD",
    "TEAMS_TENANT_ID",
)
PUBLIC_PATHS = {"/slack/events", "/telegram/webhook", "/api/messages", "/agenda/", "/web/"}
# Resident set size of a replica after a hundred /wie and a /rapport chart (`python -m bench
# image`, docs/deploy.md).
MEASURED_RSS_MIB = 161
CLOUD_MARKERS = re.compile(r"amazonaws|eks\.|gke|cloud\.google|azure|aliyun|digitalocean|ovh")


def render(overlay: str) -> list[dict[str, Any]]:
    """The overlay's resources as `kubectl kustomize` builds them."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        message = "kubectl is not installed: the manifests cannot be rendered"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        [kubectl, "kustomize", str(ROOT / "deploy" / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def resources(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """One overlay, rendered."""
    return render(request.param)


def one(resources: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    """The single resource of a kind (and name)."""
    found = [r for r in resources if r["kind"] == kind and name in (None, r["metadata"]["name"])]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def pod_spec(resource: dict[str, Any]) -> dict[str, Any]:
    """The pod template's spec of a Deployment or Job."""
    return dict(resource["spec"]["template"]["spec"])


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Init containers and containers of a pod spec."""
    return [*spec.get("initContainers", []), *spec["containers"]]


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A container's env entries by name."""
    return {entry["name"]: entry for entry in container.get("env", [])}


def mebibytes(quantity: str) -> float:
    """A memory quantity (Mi, Gi, M, plain bytes) in MiB."""
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    for suffix, factor in units.items():
        if quantity.endswith(suffix):
            return float(quantity.removesuffix(suffix)) * factor
    return float(quantity) / 2**20


def test_every_resource_validates_against_the_kubernetes_schemas(
    resources: list[dict[str, Any]],
) -> None:
    kinds = {r["kind"] for r in resources}
    assert {"Deployment", "Job", "Service", "PodDisruptionBudget", "Ingress"} <= kinds
    for version in KUBERNETES_VERSIONS:
        for resource in resources:
            kubernetes_validate.validate(resource, version, strict=True)


def test_the_validator_rejects_a_broken_manifest(resources: list[dict[str, Any]]) -> None:
    deployment = one(resources, "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


def test_two_replicas_and_a_disruption_budget_that_keeps_one(
    resources: list[dict[str, Any]],
) -> None:
    deployment = one(resources, "Deployment", "krokodil")
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    budget = one(resources, "PodDisruptionBudget")
    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    service = one(resources, "Service", "krokodil")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    [port] = service["spec"]["ports"]
    [bot] = pod_spec(deployment)["containers"]
    assert port["targetPort"] in {p["name"] for p in bot["ports"]}


def test_probes_use_readyz_for_readiness_and_healthz_for_liveness(
    resources: list[dict[str, Any]],
) -> None:
    [bot] = pod_spec(one(resources, "Deployment", "krokodil"))["containers"]
    assert bot["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert bot["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert bot["startupProbe"]["httpGet"]["path"] == "/healthz"
    ports = {p["name"]: p["containerPort"] for p in bot["ports"]}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert ports[bot[probe]["httpGet"]["port"]] == 8080
    assert env_of(bot)["KROKODIL_PORT"]["value"] == "8080"
    assert env_of(bot)["KROKODIL_HOST"]["value"] == "0.0.0.0"


def test_replicas_start_only_after_the_migration_job(resources: list[dict[str, Any]]) -> None:
    deployment = one(resources, "Deployment", "krokodil")
    job = one(resources, "Job", "krokodil-migrate")
    [migrate] = pod_spec(job)["containers"]
    assert migrate["args"] == ["db", "upgrade"]
    assert pod_spec(job)["restartPolicy"] == "Never"
    [wait] = pod_spec(deployment)["initContainers"]
    assert wait["command"][:3] == ["python", "-m", "bot.migrate_wait"]
    [bot] = pod_spec(deployment)["containers"]
    assert bot["args"][-2:] == ["run", "--no-migrate"], "replicas must never migrate themselves"
    assert "command" not in bot, "keep the image's entry point (tini, then krokodil)"
    images = {c["image"] for c in [*containers(pod_spec(deployment)), migrate]}
    assert len(images) == 1, f"one release everywhere: {images}"
    [image] = images
    assert not image.endswith(":latest") and ":" in image


def test_every_container_runs_as_non_root_and_read_only(resources: list[dict[str, Any]]) -> None:
    for workload in (one(resources, "Deployment"), one(resources, "Job")):
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert spec["automountServiceAccountToken"] is False
        # A Service named krokodil would otherwise inject KROKODIL_PORT=tcp://…
        assert spec["enableServiceLinks"] is False
        for container in containers(spec):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert "/tmp" in mounts, "the one writable place"


def test_secrets_come_only_from_secret_references(resources: list[dict[str, Any]]) -> None:
    assert not [r for r in resources if r["kind"] == "Secret"], "no secret values in the repo"
    [bot] = pod_spec(one(resources, "Deployment", "krokodil"))["containers"]
    env = env_of(bot)
    for name in SECRET_VARIABLES:
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "krokodil-secrets", "key": name, **ref}
        assert "value" not in env[name]
    assert env["KROKODIL_DATABASE_URL"]["valueFrom"]["secretKeyRef"].get("optional") is not True
    assert env["SLACK_BOT_TOKEN"]["valueFrom"]["secretKeyRef"]["optional"] is True
    for workload in (one(resources, "Deployment"), one(resources, "Job")):
        for container in containers(pod_spec(workload)):
            url = env_of(container)["KROKODIL_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
            assert url["name"] == "krokodil-secrets"
    for config_map in (r for r in resources if r["kind"] == "ConfigMap"):
        text = yaml.safe_dump(config_map["data"])
        assert not any(name in text for name in SECRET_VARIABLES), config_map["metadata"]


def test_the_config_file_keeps_the_demo_people_out(resources: list[dict[str, Any]]) -> None:
    deployment = one(resources, "Deployment", "krokodil")
    [bot] = pod_spec(deployment)["containers"]
    assert bot["args"][:2] == ["--config", "/etc/krokodil/config.toml"]
    [volume] = [v for v in pod_spec(deployment)["volumes"] if "configMap" in v]
    config_map = one(resources, "ConfigMap", volume["configMap"]["name"])
    assert re.search(r"^demo_data = false$", config_map["data"]["config.toml"], re.M)


def test_shutdown_fits_in_the_termination_grace_period(resources: list[dict[str, Any]]) -> None:
    spec = pod_spec(one(resources, "Deployment", "krokodil"))
    [bot] = spec["containers"]
    pre_stop = bot["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    drain = inspect.signature(shutdown).parameters["grace"].default
    # preStop, the timer pass in progress, requests in flight (drain), the message being sent
    # (drain), then the outbox flush and closing connections: at least ten seconds for those.
    needed = int(pre_stop[1]) + STOP_GRACE_SECONDS + 2 * drain + 10
    assert needed <= spec["terminationGracePeriodSeconds"]


def test_resources_fit_the_measured_memory(resources: list[dict[str, Any]]) -> None:
    [bot] = pod_spec(one(resources, "Deployment", "krokodil"))["containers"]
    requests, limits = bot["resources"]["requests"], bot["resources"]["limits"]
    assert MEASURED_RSS_MIB < mebibytes(requests["memory"]) <= 2 * MEASURED_RSS_MIB
    assert mebibytes(limits["memory"]) >= 2 * mebibytes(requests["memory"])
    assert "cpu" in requests


def test_the_ingress_publishes_only_the_public_paths(resources: list[dict[str, Any]]) -> None:
    ingress = one(resources, "Ingress", "krokodil")
    [rule] = ingress["spec"]["rules"]
    paths = rule["http"]["paths"]
    assert {p["path"] for p in paths} == PUBLIC_PATHS
    for path in paths:
        assert path["backend"]["service"] == {"name": "krokodil", "port": {"name": "http"}}
    assert rule["host"].endswith("gemeente.example.org")
    assert ingress["spec"]["tls"][0]["hosts"] == [rule["host"]]


def test_nothing_assumes_a_particular_cloud(resources: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump_all(resources)
    assert not CLOUD_MARKERS.search(text)
    assert "storageClassName" not in text
    assert "LoadBalancer" not in text
