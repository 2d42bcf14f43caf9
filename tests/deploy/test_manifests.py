"""The deploy files, checked offline (no Docker, no cluster here): every Kubernetes manifest
against the Kubernetes JSON schemas (kubernetes-validate, strict: unknown fields fail), the
cross-references between them (selectors, ports, ConfigMap and Secret names, HPA targets,
which pods the NetworkPolicies expose), the compose file's structure, and the Dockerfile's
promises (slim base, non-root user, healthcheck, one image for every service)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from services.common.settings import ServiceUrls, Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
SERVICES = ("vacancies", "training", "matching", "gateway")
SECRET_NAME = "routeway-secrets"
SECRET_KEYS = {"secret-key", "database-url", "redis-url"}
# the oldest Kubernetes still commonly run, and the newest the validator knows
K8S_VERSIONS = ("1.30", kubernetes_validate.utils.latest_version())

Doc = dict[str, Any]


def _documents(path: Path) -> list[Doc]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _manifests() -> list[tuple[Path, Doc]]:
    return [
        (path, doc)
        for path in sorted(K8S.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in _documents(path)
    ]


def _of_kind(kind: str) -> dict[str, Doc]:
    return {doc["metadata"]["name"]: doc for _, doc in _manifests() if doc["kind"] == kind}


def setting_names() -> set[str]:
    """Every environment variable Settings reads (``ROUTEWAY_`` + field, nested with ``__``)."""
    names = {f"ROUTEWAY_{name.upper()}" for name in Settings.model_fields if name != "services"}
    return names | {f"ROUTEWAY_SERVICES__{name.upper()}" for name in ServiceUrls.model_fields}


MANIFESTS = _manifests()


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize(
    ("path", "doc"), MANIFESTS, ids=[f"{p.name}:{d['kind']}/{d['metadata']['name']}" for p, d in MANIFESTS]
)
def test_every_manifest_validates_against_the_kubernetes_schema(path: Path, doc: Doc, version: str) -> None:
    kubernetes_validate.validate(doc, version, strict=True)
    assert doc["metadata"].get("namespace", "routeway") == "routeway" or doc["kind"] == "Namespace"


def test_the_validator_rejects_a_broken_manifest() -> None:
    (deployment,) = [d for d in _of_kind("Deployment").values() if d["metadata"]["name"] == "gateway"]
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/x"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSIONS[0], strict=True)


def test_kustomization_lists_every_manifest_file() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)


def test_the_kinds_the_issue_asks_for_are_all_there() -> None:
    kinds = {doc["kind"] for _, doc in MANIFESTS}
    assert kinds >= {"Namespace", "ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "NetworkPolicy", "Job"}
    assert set(_of_kind("Deployment")) == set(SERVICES)
    assert set(_of_kind("Service")) == set(SERVICES)


def _container(deployment: Doc) -> Doc:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", SERVICES)
def test_each_deployment_is_probed_limited_and_unprivileged(name: str) -> None:
    deployment = _of_kind("Deployment")[name]
    pod = deployment["spec"]["template"]["spec"]
    container = _container(deployment)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in ports
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) == {"cpu", "memory"}
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    mounted = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/tmp", "/data"} <= mounted, "a read-only root needs writable /tmp and the data folder"
    # one image for every service, the service chosen by the command and the environment
    assert container["args"] == ["serve-service", "--service", name]
    assert {"name": "ROUTEWAY_SERVICE_NAME", "value": name} in container["env"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_one_image_everywhere() -> None:
    images = {_container(d)["image"] for d in _of_kind("Deployment").values()}
    images |= {c["image"] for job in _of_kind("Job").values() for c in job["spec"]["template"]["spec"]["containers"]}
    assert len(images) == 1


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_selects_its_pods_on_a_named_port(name: str) -> None:
    service = _of_kind("Service")[name]
    deployment = _of_kind("Deployment")[name]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    names = {p["name"] for p in _container(deployment)["ports"]}
    assert all(p["targetPort"] in names for p in service["spec"]["ports"])


def test_config_and_secret_references_resolve() -> None:
    configmaps = _of_kind("ConfigMap")
    workloads = [*_of_kind("Deployment").values(), *_of_kind("Job").values()]
    for workload in workloads:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in configmaps
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == SECRET_NAME and ref["key"] in SECRET_KEYS
    # the Secret is created out of band: the deploy guide must say how, with every key
    guide = (ROOT / "docs" / "DEPLOY.md").read_text()
    create = next(line for line in guide.splitlines() if f"create secret generic {SECRET_NAME}" in line)
    block = guide[guide.index(create) :].split("```", 1)[0]
    assert all(f"--from-literal={key}=" in block for key in SECRET_KEYS)


def test_every_variable_set_is_one_routeway_reads() -> None:
    known = setting_names()
    set_here: set[str] = set()
    for doc in _of_kind("ConfigMap").values():
        set_here |= set(doc["data"])
    for workload in [*_of_kind("Deployment").values(), *_of_kind("Job").values()]:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            set_here |= {v["name"] for v in container.get("env", [])}
    assert set_here and set_here <= known, set_here - known
    # and the service URLs point at Services that exist, on their port
    services = _of_kind("Service")
    for key, value in _of_kind("ConfigMap")["routeway-config"]["data"].items():
        if key.startswith("ROUTEWAY_SERVICES__"):
            for url in value.split(","):
                host, port = re.fullmatch(r"http://([\w-]+):(\d+)", url).groups()  # type: ignore[union-attr]
                assert int(port) in [p["port"] for p in services[host]["spec"]["ports"]]


def test_the_gateway_and_matching_scale_horizontally() -> None:
    hpas = _of_kind("HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()} == {"gateway", "matching"}
    deployments = _of_kind("Deployment")
    for hpa in hpas.values():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in deployments
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
        # the HPA owns the count: a replicas field would fight it on every apply
        assert "replicas" not in deployments[target["name"]]["spec"]


def _selects(selector: Doc, labels: dict[str, str]) -> bool:
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        if expression["operator"] == "In" and value not in expression["values"]:
            return False
        if expression["operator"] == "NotIn" and value in expression["values"]:
            return False
    return True


def reachable_from_anywhere(policies: list[Doc], labels: dict[str, str]) -> bool:
    """Whether NetworkPolicies (ingress, additive) let any pod or address reach a pod with ``labels``."""
    selecting = [p for p in policies if _selects(p["spec"]["podSelector"], labels)]
    if not selecting:
        return True  # no policy selects it: Kubernetes allows everything
    return any("from" not in rule for p in selecting for rule in p["spec"].get("ingress", []))


def test_network_policies_expose_only_the_gateway() -> None:
    policies = list(_of_kind("NetworkPolicy").values())
    exposed = {
        name
        for name, deployment in _of_kind("Deployment").items()
        if reachable_from_anywhere(policies, deployment["spec"]["template"]["metadata"]["labels"])
    }
    assert exposed == {"gateway"}
    # a pod of anything else (a stray debug pod) is denied too
    assert not reachable_from_anywhere(policies, {"app": "something-else"})


def test_the_migration_job_runs_migrate() -> None:
    (job,) = _of_kind("Job").values()
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("OnFailure", "Never")


# ---- compose -------------------------------------------------------------------------------

COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
APP_SERVICES = {"vacancies": "vacancies", "training": "training", "matching-1": "matching", "matching-2": "matching", "gateway": "gateway"}


def test_compose_has_the_stores_a_migration_and_every_service() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "migrate", *APP_SERVICES}
    for store in ("postgres", "redis"):
        assert services[store]["healthcheck"]["test"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_compose_services_share_one_image_and_wait_for_migrations(name: str) -> None:
    service = COMPOSE["services"][name]
    build = service["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    assert service["image"] == COMPOSE["services"]["migrate"]["image"]
    assert service["command"] == ["serve-service", "--service", APP_SERVICES[name]]
    assert service["environment"]["ROUTEWAY_SERVICE_NAME"] == APP_SERVICES[name]
    assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
    assert set(service["environment"]) <= setting_names()


def test_compose_publishes_only_the_gateway_which_waits_for_every_service() -> None:
    services = COMPOSE["services"]
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"gateway"}
    assert services["gateway"]["ports"] == ["127.0.0.1:8000:8000"]
    waits = services["gateway"]["depends_on"]
    assert {n for n, c in waits.items() if c["condition"] == "service_healthy"} >= set(APP_SERVICES) - {"gateway"}


def test_compose_matching_replicas_have_distinct_stable_hostnames() -> None:
    """Each replica's event consumer groups are named after its hostname: one each, kept."""
    names = [COMPOSE["services"][f"matching-{i}"].get("hostname") for i in (1, 2)]
    assert names == ["matching-1", "matching-2"]


def test_compose_urls_name_compose_services() -> None:
    env = COMPOSE["services"]["gateway"]["environment"]
    matching = env["ROUTEWAY_SERVICES__MATCHING_URL"].split(",")
    assert [u.split("//")[1].split(":")[0] for u in matching] == ["matching-1", "matching-2"]
    for key in ("ROUTEWAY_SERVICES__VACANCIES_URL", "ROUTEWAY_SERVICES__TRAINING_URL", "ROUTEWAY_DATABASE_URL", "ROUTEWAY_REDIS_URL"):
        host = re.search(r"@?([\w-]+):\d+", env[key].split("//", 1)[1].split("@")[-1]).group(1)  # type: ignore[union-attr]
        assert host in COMPOSE["services"], (key, host)
    assert env["ROUTEWAY_SECRET_KEY"].startswith("${ROUTEWAY_SECRET_KEY:?"), "no default secret"


# ---- Dockerfile ----------------------------------------------------------------------------

DOCKERFILE = (DEPLOY / "Dockerfile").read_text()


def _final_stage() -> str:
    return DOCKERFILE[DOCKERFILE.rindex("\nFROM ") :]


def test_the_image_is_slim_non_root_and_checks_its_health() -> None:
    assert all("slim" in line for line in DOCKERFILE.splitlines() if line.startswith("FROM "))
    final = _final_stage()
    (user,) = re.findall(r"^USER (\S+)", final, flags=re.M)
    assert user.split(":")[0] not in ("0", "root")
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", final, flags=re.M)
    assert re.search(r'^ENTRYPOINT \["routeway"\]', final, flags=re.M)
    assert re.search(r'^CMD \["serve-service"\]', final, flags=re.M)
    assert "ROUTEWAY_SERVICE_NAME=" in final


def test_the_image_copies_what_exists_with_the_makefiles_uv() -> None:
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
    makefile_uv = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(), flags=re.M)
    assert makefile_uv and f"ARG UV_VERSION={makefile_uv.group(1)}" in DOCKERFILE
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert "**" in ignore and "!services/" in ignore and "!gateway/" in ignore
