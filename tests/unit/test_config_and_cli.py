"""Settings from the environment, and the command line's one-line errors."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from makernet.config import CHECKOUT, default_instance_dir, load_settings
from makernet.errors import InvalidInput
from tests.support.cli import command as in_process

MAKERNET = str(Path(sys.executable).parent / "makernet")


def test_with_nothing_set_makernet_runs_embedded_on_sqlite_and_memory() -> None:
    settings = load_settings({})
    assert settings.is_sqlite and settings.effective_broker_url == "memory://"
    assert settings.runs_embedded_worker


def test_a_database_and_a_broker_switch_to_production_mode() -> None:
    settings = load_settings({"MAKERNET_DATABASE_URL": "postgresql://db/makernet",
                              "MAKERNET_BROKER_URL": "redis://redis:6379/0", "MAKERNET_POLL_INTERVAL": "2.5"})
    assert not settings.is_sqlite and not settings.runs_embedded_worker
    assert settings.poll_interval == 2.5


@pytest.mark.parametrize("name,value", [("MAKERNET_PORT", "http"), ("MAKERNET_POLL_INTERVAL", "-1"),
                                        ("MAKERNET_EMBEDDED_WORKER", "maybe"), ("MAKERNET_PLAN_DAILY_AT", "25:00"),
                                        ("MAKERNET_PLAN_DAILY_AT", "six heures")])
def test_a_bad_setting_is_named_in_the_error(name: str, value: str) -> None:
    with pytest.raises(InvalidInput, match=name) as refused:
        load_settings({name: value})
    assert (refused.value.code, refused.value.params) == ("config.invalid_value", {"name": name, "value": value})


def test_beat_runs_the_planner_every_morning_at_the_french_time_set_or_not_at_all() -> None:
    from workers.app import beat_schedule
    from workers.site import celery_config

    schedule = beat_schedule(load_settings({}))
    daily = schedule["plan-daily"]
    assert daily["task"] == "makernet.plan_daily"
    assert (daily["schedule"].hour, daily["schedule"].minute) == ({6}, {0})
    assert celery_config(load_settings({}))["timezone"] == "Europe/Paris"
    later = beat_schedule(load_settings({"MAKERNET_PLAN_DAILY_AT": "7:30"}))["plan-daily"]["schedule"]
    assert (later.hour, later.minute) == ({7}, {30})
    assert "plan-daily" not in beat_schedule(load_settings({"MAKERNET_PLAN_DAILY_AT": "off"}))
    assert "poll-printers" in beat_schedule(load_settings({"MAKERNET_PLAN_DAILY_AT": "off"}))
    assert schedule["publish-territory"] == {"task": "makernet.publish_territory", "schedule": 300,
                                             "options": {"expires": 300}}


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MAKERNET, *args], capture_output=True, text=True, timeout=60, env=env, cwd=cwd)


@pytest.mark.parametrize("args,words", [
    (["serve", "--port", "http"], "--port"),
    (["frobnicate"], "No such command"),
    (["demo", "--octoprint", "http://127.0.0.1:5000"], "go together"),
    (["demo", "--octoprint", "http://127.0.0.1:5000", "--api-key", "k"], "MAKERNET_PRINTER_NETWORKS"),
    (["worker"], "MAKERNET_BROKER_URL is not set"),
])
def test_bad_arguments_give_one_line_and_no_traceback(tmp_path: Path, args: list[str], words: str) -> None:
    done = run(*args, env={"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and words in done.stderr and "Traceback" not in done.stderr


def test_commands_refuse_a_database_without_schema_and_say_what_to_run(tmp_path: Path) -> None:
    done = in_process("demo", env={"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(tmp_path)})
    assert done.returncode == 2 and "makernet db upgrade" in done.stderr
    assert f"database {tmp_path / 'makernet.sqlite3'} (instance folder {tmp_path}," in done.stderr


def test_the_instance_folder_does_not_depend_on_the_current_folder(tmp_path: Path) -> None:
    home, checkout = tmp_path / "home", tmp_path / "checkout"
    assert load_settings({"HOME": str(home)}).instance_dir == home / ".local" / "share" / "makernet"
    assert load_settings({"HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "data")}).instance_dir == \
        tmp_path / "data" / "makernet"
    assert load_settings({"HOME": str(home), "MAKERNET_INSTANCE_DIR": str(tmp_path / "mine")}).instance_dir == \
        tmp_path / "mine"
    (checkout / "instance").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    assert default_instance_dir({"HOME": str(home)}, checkout) == home / ".local" / "share" / "makernet"
    (checkout / "instance" / "makernet.sqlite3").write_bytes(b"")   # a checkout's data from before stays found
    assert default_instance_dir({"HOME": str(home)}, checkout) == checkout / "instance"


def test_a_command_run_from_another_folder_finds_the_data_and_says_where_it_is(tmp_path: Path) -> None:
    if (CHECKOUT / "instance" / "makernet.sqlite3").is_file():
        pytest.skip("this checkout keeps its data in ./instance, which every command then uses")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    first, other = tmp_path / "first", tmp_path / "other"
    first.mkdir(), other.mkdir()
    data = tmp_path / "home" / ".local" / "share" / "makernet"
    assert f"data: database {data / 'makernet.sqlite3'}" in in_process("db", "upgrade", env=env, cwd=first).stdout
    assert "demo territory loaded" in in_process("demo", env=env, cwd=first).stdout
    assert in_process("token", "create", "admin@demo.makernet.fr", env=env, cwd=other).stdout.startswith("mkn_")
    assert list(first.iterdir()) == [] and list(other.iterdir()) == []

    (other / "instance").mkdir()   # a database left in ./instance by an earlier version is pointed at
    (other / "instance" / "makernet.sqlite3").write_bytes((data / "makernet.sqlite3").read_bytes())
    elsewhere = in_process("token", "create", "admin@demo.makernet.fr", env={**env, "HOME": str(tmp_path / "new")},
                           cwd=other)
    assert elsewhere.returncode == 2 and elsewhere.stderr.count("\n") == 1
    assert f"no schema yet in the database {tmp_path / 'new' / '.local' / 'share' / 'makernet' / 'makernet.sqlite3'}" \
        in elsewhere.stderr
    assert f"set MAKERNET_INSTANCE_DIR={other / 'instance'} to use it" in elsewhere.stderr


def test_every_command_has_help() -> None:
    assert run("--help").returncode == 0
    from click.testing import CliRunner

    from makernet.cli import main

    def paths(group: click.Group, prefix: list[str]) -> list[list[str]]:
        found = []
        for name, command in group.commands.items():
            found.append([*prefix, name])
            if isinstance(command, click.Group):
                found += paths(command, [*prefix, name])
        return found

    commands = paths(main, [])
    assert {"backup", "restore", "rotate", "create", "upgrade", "beat", "listen"} <= {c[-1] for c in commands}
    for command in commands:
        done = CliRunner().invoke(main, [*command, "--help"])
        assert done.exit_code == 0 and "Usage:" in done.output and done.output.count("\n") > 3, command


def test_upgrade_demo_and_token_work_from_the_command_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(tmp_path)}
    from makernet.schema import head_revision
    assert f"revision {head_revision()} " in in_process("db", "upgrade", env=env).stdout
    assert "demo territory loaded" in in_process("demo", env=env).stdout
    assert "already loaded" in in_process("demo", env=env).stdout
    assert in_process("token", "create", "admin@demo.makernet.fr", env=env).stdout.startswith("mkn_")
    unknown = in_process("token", "create", "nobody@example.org", env=env)
    assert unknown.returncode == 2 and unknown.stderr == (
        "makernet: Aucun utilisateur n'a l'adresse e-mail nobody@example.org. (accounts.no_user_with_email)\n")


def test_the_readme_names_the_instance_setting_and_every_demo_user() -> None:
    from makernet.demo import USERS
    readme = (CHECKOUT / "README.md").read_text()
    assert "MAKERNET_INSTANCE_DIR" in readme and "~/.local/share/makernet" in readme
    missing = [email for email, _name, _role, _org in USERS if f"| `{email}` |" not in readme]
    assert len(USERS) == 8 and not missing, f"README.md's demo table misses {missing}"
