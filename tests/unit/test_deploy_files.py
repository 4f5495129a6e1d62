"""The deployment files in deploy/ agree with the settings and the process model."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from makernet.config import PREFIX, Settings, load_settings
from workers.app import TASK_TIME_LIMIT, VISIBILITY_TIMEOUT

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ENV_EXAMPLE = DEPLOY / "makernet.env.example"
COMPOSE = DEPLOY / "compose.yaml"
SERVICES = ("makernet-web.service", "makernet-worker.service", "makernet-beat.service")
UNITS = tuple(sorted(path.name for path in (DEPLOY / "systemd").glob("*.service")))
FIELD_NAMES = {f.name.upper() for f in fields(Settings)}

ASSIGNMENT = re.compile(r"^(MAKERNET_[A-Z0-9_]+)=(.*)$")
COMMENTED_ASSIGNMENT = re.compile(r"^#\s*(MAKERNET_[A-Z0-9_]+)=(.*)$")
ANY_VARIABLE = re.compile(r"\bMAKERNET_[A-Z0-9_]+")


def _env_lines() -> list[str]:
    return ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()


def _uncommented_assignments() -> dict[str, str]:
    return {m[1]: m[2] for line in _env_lines() if (m := ASSIGNMENT.match(line))}


def _commented_assignments() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for line in _env_lines() if (m := COMMENTED_ASSIGNMENT.match(line))]


def _compose_service_names() -> set[str]:
    """The keys under `services:`, with PyYAML when installed, else by indentation."""
    try:
        import yaml
    except ModuleNotFoundError:
        names: set[str] = set()
        inside = False
        for line in COMPOSE.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\S", line):
                inside = line.rstrip() == "services:"
            elif inside and (m := re.match(r"^  ([A-Za-z0-9_.-]+):\s*(#.*)?$", line)):
                names.add(m[1])
        return names
    return set(yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"])


def _compose() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _unit_directives(name: str) -> dict[str, list[str]]:
    """Directive name -> values, over every section of a systemd unit file."""
    directives: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        directives.setdefault(key.strip(), []).append(value.strip())
    return directives


def test_every_settings_field_appears_in_the_env_example() -> None:
    named = {m[1] for line in _env_lines() if (m := ASSIGNMENT.match(line) or COMMENTED_ASSIGNMENT.match(line))}
    missing = {PREFIX + name for name in FIELD_NAMES} - named
    assert not missing, f"not in makernet.env.example: {sorted(missing)}"


def test_the_env_example_names_no_variable_unknown_to_settings() -> None:
    mentioned = set(ANY_VARIABLE.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))
    unknown = {name for name in mentioned if name.removeprefix(PREFIX) not in FIELD_NAMES}
    assert not unknown, f"unknown to Settings: {sorted(unknown)}"


def test_every_field_in_the_env_example_is_preceded_by_a_comment_stating_its_default() -> None:
    lines = _env_lines()
    for name in FIELD_NAMES:
        first = next(i for i, line in enumerate(lines)
                     if (m := ASSIGNMENT.match(line) or COMMENTED_ASSIGNMENT.match(line)) and m[1] == PREFIX + name)
        block: list[str] = []
        for line in reversed(lines[:first]):
            if not line.startswith("#"):
                break
            block.append(line)
        assert block, f"{PREFIX}{name} has no comment before it"
        assert any("Default" in line for line in block), f"{PREFIX}{name}: its comment does not give the default"


def test_the_uncommented_assignments_load_through_load_settings() -> None:
    assignments = _uncommented_assignments()
    assert assignments, "the example sets nothing"
    load_settings(assignments)


def test_the_uncommented_values_are_the_defaults_of_settings() -> None:
    loaded, defaults = load_settings(_uncommented_assignments()), Settings()
    for variable in _uncommented_assignments():
        name = variable.removeprefix(PREFIX).lower()
        assert getattr(loaded, name) == getattr(defaults, name), variable


def test_every_commented_example_value_is_accepted_by_load_settings() -> None:
    examples = _commented_assignments()
    assert any(name == "MAKERNET_DATABASE_URL" and value.startswith("postgresql://") for name, value in examples)
    assert any(name == "MAKERNET_BROKER_URL" and value.startswith("redis://") for name, value in examples)
    assert any(name == "MAKERNET_BROKER_URL" and value.startswith("rediss://") for name, value in examples)
    for name, value in examples:
        load_settings({name: value})


def test_the_example_uses_no_inline_comments_that_systemd_would_keep_in_the_value() -> None:
    for variable, value in _uncommented_assignments().items():
        assert "#" not in value and value == value.strip(), variable


def test_compose_yaml_parses_and_has_the_six_services() -> None:
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= _compose_service_names()


def test_the_app_services_in_compose_start_after_a_successful_migration() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["makernet", "db", "upgrade"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


def test_compose_runs_redis_with_appendonly_and_gives_workers_time_for_a_warm_shutdown() -> None:
    services = _compose()["services"]
    assert "--appendonly" in services["redis"]["command"]
    assert services["redis"]["command"][services["redis"]["command"].index("--appendonly") + 1] == "yes"
    grace = services["worker"]["stop_grace_period"]
    assert grace.endswith("s") and int(grace[:-1]) > TASK_TIME_LIMIT


def test_the_compose_environment_loads_through_load_settings_in_production_mode() -> None:
    for name in ("migrate", "web", "worker", "beat"):
        environment = _compose()["services"][name]["environment"]
        assert set(environment) <= {PREFIX + field for field in FIELD_NAMES}, name
        settings = load_settings({key: str(value) for key, value in environment.items()})
        assert settings.database_url.startswith("postgresql://")
        assert settings.broker_url.startswith("redis://")
        assert not settings.runs_embedded_worker


def test_there_are_units_for_web_worker_beat_and_migration() -> None:
    assert set(SERVICES) | {"makernet-migrate.service"} <= set(UNITS)


@pytest.mark.parametrize("unit", UNITS)
def test_each_systemd_unit_has_exec_start_and_environment_file(unit: str) -> None:
    directives = _unit_directives(unit)
    assert directives.get("ExecStart"), unit
    # a place's worker gets its own file: broker only, no database credentials, no secret
    expected = "/etc/makernet/place.env" if "place-worker" in unit else "/etc/makernet/makernet.env"
    assert directives.get("EnvironmentFile") == [expected], unit
    assert directives.get("User") == ["makernet"], unit
    assert directives.get("NoNewPrivileges") == ["yes"], unit
    assert directives.get("ProtectSystem") == ["strict"], unit
    assert directives.get("ReadWritePaths"), unit


@pytest.mark.parametrize("unit", SERVICES)
def test_each_long_running_unit_restarts_on_failure(unit: str) -> None:
    assert _unit_directives(unit).get("Restart") == ["on-failure"], unit


def test_the_worker_unit_stops_by_sigterm_and_waits_longer_than_the_task_time_limit() -> None:
    directives = _unit_directives("makernet-worker.service")
    assert directives["KillSignal"] == ["SIGTERM"]
    assert int(directives["TimeoutStopSec"][0]) > TASK_TIME_LIMIT


def test_the_procfile_declares_web_worker_beat_and_release() -> None:
    processes = dict(line.split(":", 1) for line in (DEPLOY / "Procfile").read_text(encoding="utf-8").splitlines()
                     if line.strip())
    assert "makernet.wsgi:app" in processes["web"] and "gunicorn" in processes["web"]
    assert processes["worker"].strip() == "makernet worker"
    assert processes["beat"].strip() == "makernet beat"
    assert processes["release"].strip() == "makernet db upgrade"


def test_the_nginx_example_forwards_what_makernet_reads_and_takes_its_bodies() -> None:
    conf = (DEPLOY / "nginx" / "makernet.conf").read_text()
    for needed in ("proxy_pass http://127.0.0.1:8000;", "X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Forwarded-Proto $scheme", "X-Forwarded-Host $host", "client_max_body_size 16m",
                   "return 301 https://", "MAKERNET_TRUSTED_PROXIES=1", "MAKERNET_PUBLIC_URL=https://"):
        assert needed in conf, needed


def test_the_files_table_of_the_deploy_readme_names_every_file_in_deploy() -> None:
    readme = (DEPLOY / "README.md").read_text()
    table = readme.split("## Files here", 1)[1].split("\n## ", 1)[0]
    named = set()
    for cell in re.findall(r"^\| (.+?) \|", table, re.M):
        for name in re.findall(r"`([^`]+)`", cell):
            braces = re.search(r"\{([^}]+)\}", name)
            named |= ({name[:braces.start()] + part + name[braces.end():] for part in braces[1].split(",")}
                      if braces else {name})
    present = {str(path.relative_to(DEPLOY)) for path in DEPLOY.rglob("*") if path.is_file()} - {"README.md"}
    assert present - named == set(), f"deploy/README.md's file table misses {sorted(present - named)}"
    assert named - present == set(), f"deploy/README.md's file table names missing files {sorted(named - present)}"


def test_the_worker_unit_states_the_visibility_timeout_the_code_uses() -> None:
    unit = (DEPLOY / "systemd" / "makernet-worker.service").read_text()
    said = re.findall(r"visibility timeout \((\d+) s", unit)
    assert said == [str(VISIBILITY_TIMEOUT)], said


def test_the_place_env_example_names_only_what_a_places_worker_reads_and_loads() -> None:
    text = (DEPLOY / "place.env.example").read_text()
    examples = dict(re.findall(r"^# (MAKERNET_[A-Z_]+)=(.*)$", text, re.M))
    assert set(examples) == {"MAKERNET_BROKER_URL", "MAKERNET_PRINTER_NETWORKS", "MAKERNET_PRINTER_TIMEOUT",
                             "MAKERNET_LOG_FORMAT", "MAKERNET_SECRET_KEY"}
    # the place's own secret (it seals its printers' keys) is optional and shown empty: never the central one
    assert examples["MAKERNET_SECRET_KEY"] == ""
    settings = load_settings(examples)
    assert settings.broker_url.startswith("amqps://") and not settings.database_url and not settings.secret_key
