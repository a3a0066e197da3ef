"""deploy/ checked where no cluster can run it: nats-server parses its config, PostgreSQL knows every
setting, and the compose file and Kubernetes manifests hold together (names, probes, secrets, partitions)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from chudong.nats.server import nats_server_binary
from shared.bus.keys import needed_variables
from shared.bus.permissions import (
    ADMIN_USER,
    NATS_SERVICES,
    nats_user,
    password_variable,
    render_authorization,
)
from shared.bus.subjects import EVENT_SERVICES
from shared.checkpoints.keys import key_variable
from shared.runtime.partitions import parse_partition
from shared.settings import SERVICES

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
PASSWORD_VARIABLES = [password_variable(u) for u in [ADMIN_USER, *(nats_user(s) for s in NATS_SERVICES)]]


def manifests() -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    for path in sorted(KUBERNETES.glob("*.yaml")):
        documents += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return documents


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in manifests() if d["kind"] == kind]


def test_the_nats_config_is_valid_for_nats_server(tmp_path: Path) -> None:
    env = {**os.environ, "NATS_SERVER_NAME": "nats-0", **dict.fromkeys(PASSWORD_VARIABLES, "secret")}
    checked = subprocess.run(
        [str(nats_server_binary()), "--config", str(DEPLOY / "nats" / "nats.conf"), "-t"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "is valid" in checked.stderr + checked.stdout


def test_the_nats_accounts_are_the_ones_the_code_generates() -> None:
    assert (DEPLOY / "nats" / "accounts.conf").read_text() == render_authorization(), (
        "regenerate with: chudong nats-config --out deploy/nats/accounts.conf"
    )


def _postgres_binary() -> str | None:
    found = shutil.which("postgres")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return str(candidates[-1]) if candidates else None


def test_every_postgresql_setting_is_one_postgresql_knows() -> None:
    binary = _postgres_binary()
    if binary is None:
        if os.environ.get("CI") == "true":
            raise AssertionError("no postgres binary to check deploy/postgres/postgresql.conf against")
        pytest.skip("no postgres binary here")
    described = subprocess.run([binary, "--describe-config"], capture_output=True, text=True, timeout=30)
    known = {line.split("\t", 1)[0].lower() for line in described.stdout.splitlines()}
    assert len(known) > 200, described.stderr
    settings = [
        line.split("=", 1)[0].strip()
        for line in (DEPLOY / "postgres" / "postgresql.conf").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert settings and [s for s in settings if s not in known] == []


def test_every_manifest_names_its_api_kind_and_name() -> None:
    documents = manifests()
    assert documents
    for document in documents:
        assert document.get("apiVersion") and document.get("kind"), document
        assert document["metadata"]["name"], document


def test_the_kustomization_lists_files_that_exist() -> None:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (DEPLOY / resource).exists(), resource
    for generator in kustomization["configMapGenerator"]:
        for file in generator["files"]:
            assert (DEPLOY / file).exists(), file


def _containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = workload["spec"]["template"]["spec"]["containers"]
    return containers


def test_every_workload_selects_its_pods_and_limits_its_resources() -> None:
    for workload in of_kind("Deployment") + of_kind("StatefulSet") + of_kind("Job"):
        labels = workload["spec"]["template"]["metadata"]["labels"]
        selector = workload["spec"].get("selector", {}).get("matchLabels", {})
        assert selector.items() <= labels.items(), workload["metadata"]["name"]
        for container in _containers(workload):
            assert container["image"]
            assert container["resources"]["requests"] and container["resources"]["limits"]


def test_every_service_runs_replicated_with_probes_on_healthz_and_liveness_on_livez() -> None:
    deployments = of_kind("Deployment")
    for service in SERVICES:
        mine = [d for d in deployments if d["metadata"]["labels"]["app"] == service]
        assert sum(d["spec"]["replicas"] for d in mine) >= 2, service
        for deployment in mine:
            (container,) = _containers(deployment)
            assert container["command"] == ["python", "-m", f"services.{service}.main"]
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            env = {e["name"]: e for e in container["env"]}
            assert env[f"{service.upper()}_PORT"]["value"] == str(ports["http"])
            assert env[f"{service.upper()}_NATS_USER"]["value"] == nats_user(service)
            for probe in ("startupProbe", "readinessProbe"):
                assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}, probe
            # A degraded service (a halted relay) is taken out of rotation, never restarted in a loop.
            assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
        services = [s for s in of_kind("Service") if s["spec"]["selector"] == {"app": service}]
        assert len(services) == 1, service


def test_configuration_comes_from_the_config_map_and_the_secret() -> None:
    (config_map,) = [c for c in of_kind("ConfigMap") if c["metadata"]["name"] == "chudong-config"]
    (secret,) = yaml.safe_load_all((KUBERNETES / "secrets.example.yaml").read_text())
    for workload in of_kind("Deployment") + of_kind("StatefulSet") + of_kind("Job"):
        for container in _containers(workload):
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] == config_map["metadata"]["name"]
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == secret["metadata"]["name"]
                    assert ref["key"] in secret["stringData"], ref["key"]
    (nats,) = of_kind("StatefulSet")
    nats_env = {e["name"] for e in _containers(nats)[0]["env"]}
    assert set(PASSWORD_VARIABLES) <= nats_env
    assert nats["spec"]["replicas"] == 3
    assert config_map["data"]["CHUDONG_STREAM_REPLICAS"] == "3"


def test_evaluations_partitions_take_each_unit_once() -> None:
    partitions = []
    for deployment in of_kind("Deployment"):
        if deployment["metadata"]["labels"]["app"] != "evaluation":
            continue
        env = {e["name"]: e.get("value", "") for e in _containers(deployment)[0]["env"]}
        partition = parse_partition(env["EVALUATION_PARTITION"], env["EVALUATION_PARTITION_NAME"])
        assert partition is not None
        partitions.append(partition)
    assert len(partitions) >= 2
    assert len({p.name for p in partitions}) == len(partitions)
    entries = [e for p in partitions for e in (*p.subtrees, *(f"={u}" for u in p.units))]
    assert len(entries) == len(set(entries)), "a unit is in two partitions"
    subtrees = [s for p in partitions for s in p.subtrees]
    for inner in subtrees:
        assert not [outer for outer in subtrees if inner.startswith(outer + ".")], inner
    assert "=vn" in entries, "no partition takes the national unit's own events"


def test_the_compose_file_runs_every_service_against_the_cluster_and_postgresql() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"nats-0", "nats-1", "nats-2", "postgres", "streams"} <= services.keys()
    for service in SERVICES:
        definition = services[service]
        env = definition["environment"]
        assert env["NATS_URL"].count("nats://") == 3
        assert env[f"{service.upper()}_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env[f"{service.upper()}_NATS_USER"] == nats_user(service)
        assert "/healthz" in " ".join(definition["healthcheck"]["test"])


def test_every_services_database_is_migrated_before_the_services_start() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert compose["migrate"]["command"] == ["chudong", "migrate"]
    for service in SERVICES:
        variable = f"{service.upper()}_DATABASE_URL"
        assert compose["migrate"]["environment"][variable] == compose[service]["environment"][variable]
        assert compose[service]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    (job,) = [j for j in of_kind("Job") if j["metadata"]["name"] == "chudong-migrate"]
    (container,) = _containers(job)
    assert container["command"] == ["chudong", "migrate"]
    migrated = {e["name"]: e["valueFrom"] for e in container["env"]}
    for deployment in of_kind("Deployment"):
        for variable in _containers(deployment)[0]["env"]:
            if variable["name"].endswith("_DATABASE_URL"):
                assert migrated[variable["name"]] == variable["valueFrom"], variable["name"]
    assert {f"{s.upper()}_DATABASE_URL" for s in SERVICES} <= migrated.keys()


def test_every_service_gets_the_bus_keys_it_needs_from_the_secret_and_no_other() -> None:
    (secret,) = yaml.safe_load_all((KUBERNETES / "secrets.example.yaml").read_text())
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    for deployment in of_kind("Deployment"):
        service = deployment["metadata"]["labels"]["app"]
        (container,) = _containers(deployment)
        keys = {
            e["name"]: e["valueFrom"]["secretKeyRef"]["key"]
            for e in container["env"]
            if "_BUS_KEY" in e["name"]
        }
        assert keys == {v: v for v in needed_variables(service)}, deployment["metadata"]["name"]
        assert set(keys) <= set(secret["stringData"])
    for service in SERVICES:
        env = compose[service]["environment"]
        assert {k for k in env if "_BUS_KEY" in k} == set(needed_variables(service)), service


def test_every_service_with_a_history_signs_its_checkpoints_with_a_key_from_the_secret() -> None:
    (secret,) = yaml.safe_load_all((KUBERNETES / "secrets.example.yaml").read_text())
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    for deployment in of_kind("Deployment"):
        service = deployment["metadata"]["labels"]["app"]
        (container,) = _containers(deployment)
        keys = {e["name"] for e in container["env"] if e["name"].endswith("_CHECKPOINT_KEY")}
        assert keys == ({key_variable(service)} if service in EVENT_SERVICES else set()), service
        assert keys <= set(secret["stringData"])
    for service in SERVICES:
        env = compose[service]["environment"]
        assert {k for k in env if k.endswith("_CHECKPOINT_KEY")} == (
            {key_variable(service)} if service in EVENT_SERVICES else set()
        ), service
