"""/metrics of a real installation: tasks run by a worker process are counted in what the web process serves,
queue depth is what waits in Redis, and every process logs JSON lines when told to."""
from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from celery import Celery

from makernet.services.context import CeleryQueue
from tests.support.processes import MAKERNET, MakerNetInstallation
from tests.support.prometheus import Exposition
from tests.support.services import postgres_database, rabbitmq_vhost, redis_key_space
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.integration]
ADMIN_EMAIL = "admin@region.example.org"


class Region:
    """An installation in production mode, on PostgreSQL and the machine's Redis under its own key prefix."""

    def __init__(self, inst: MakerNetInstallation, redis_url: str, prefix: str, token: str) -> None:
        self.inst, self.redis_url, self.prefix, self.token = inst, redis_url, prefix, token

    def start(self, name: str, *args: str) -> None:
        """Start a process with its standard output and its log stream (stderr) in separate files."""
        with open(self.inst.instance_dir / f"{name}.out", "ab") as out, \
                open(self.inst.instance_dir / f"{name}.err", "ab") as err:
            self.inst.processes[name] = subprocess.Popen([MAKERNET, *args], env=self.inst.env, stdout=out, stderr=err)

    def log_lines(self, name: str) -> list[str]:
        """The lines a process wrote on stderr."""
        return (self.inst.instance_dir / f"{name}.err").read_text(errors="replace").splitlines()

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n" + "\n".join(self.log_lines(name)[-30:]) for name in self.inst.processes)

    def serve(self) -> None:
        """Start `makernet serve` and wait for a page (not /health, which also asks for beat's heartbeat)."""
        self.start("serve", "serve", "--port", str(self.inst.port))
        wait_for("the web process", lambda: self.answers("/login"), logs=self.logs)

    def answers(self, path: str) -> bool:
        try:
            return httpx.get(self.inst.url + path, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def metrics(self) -> Exposition:
        """/metrics as Prometheus scrapes it: with the admin's token."""
        answer = httpx.get(self.inst.url + "/metrics", headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        assert answer.status_code == 200, answer.text
        return Exposition(answer.text)

    def post_tasks(self, *calls: tuple[str, list]) -> None:
        """Post tasks to the central queue from outside, as beat or a web process would."""
        sender = Celery("test-sender", broker=self.redis_url, set_as_current=False)
        sender.conf.broker_transport_options = {"global_keyprefix": self.prefix}
        with sender.connection_for_write() as connection:
            for name, args in calls:
                sender.send_task(name, args=args, queue="makernet", connection=connection)
        sender.close()


@pytest.fixture
def region(tmp_path: Path) -> Iterator[Region]:
    with postgres_database() as database_url, redis_key_space() as (redis_url, prefix):
        inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=redis_url,
                                    broker_key_prefix=prefix, log_format="json", plan_daily_at="off")
        assert inst.run("db", "upgrade").returncode == 0
        made = subprocess.run([MAKERNET, "admin", "create", "--email", ADMIN_EMAIL, "--name", "Admin Région",
                               "--password-stdin"], env=inst.env, input="a-long-and-private-passphrase-2026\n",
                              capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        token = inst.run("token", "create", ADMIN_EMAIL)
        assert token.returncode == 0, token.stderr
        region = Region(inst, redis_url, prefix, token.stdout.strip())
        try:
            yield region
        finally:
            inst.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.parametrize("pool", ["threads", "prefork"])
def test_tasks_run_by_a_worker_process_are_counted_in_the_metrics_of_the_web_process(region: Region, pool: str) -> None:
    region.serve()
    region.post_tasks(*[("makernet.poll_printers", [])] * 3, ("makernet.poll_printers", ["not", "expected"]))
    client = redis.Redis.from_url(region.redis_url)
    assert client.llen(region.prefix + "makernet") == 4   # really waiting in Redis, under this installation's prefix
    client.close()
    before = region.metrics()
    assert before.value("makernet_queue_messages", queue="makernet") == 4
    assert before.value("makernet_broker_up") == 1
    assert before.series("makernet_tasks_total") == {}

    region.start("worker", "worker", "--concurrency", "2", "--pool", pool)

    def counted() -> Exposition | None:
        figures = region.metrics()
        done = (figures.value("makernet_tasks_total", task="makernet.poll_printers", outcome="succeeded"),
                figures.value("makernet_tasks_total", task="makernet.poll_printers", outcome="failed"))
        return figures if done == (3, 1) else None

    after = wait_for("the worker's four tasks in /metrics", counted, logs=region.logs)
    assert after.value("makernet_task_duration_seconds_count", task="makernet.poll_printers") == 4
    assert after.value("makernet_task_duration_seconds_bucket", task="makernet.poll_printers", le="+Inf") == 4
    assert after.value("makernet_queue_messages", queue="makernet") == 0
    assert after.value("makernet_http_requests_total", group="monitoring", method="GET", status="200") >= 1


@pytest.mark.postgres
@pytest.mark.redis
def test_serve_worker_and_beat_write_one_json_object_per_log_line(region: Region) -> None:
    region.serve()
    region.start("worker", "worker", "--concurrency", "2")
    region.start("beat", "beat")
    region.post_tasks(("makernet.poll_printers", ["not", "expected"]))   # a failure: its traceback in one line
    wait_for("the failed task in the worker's log", lambda: any(
        "exception" in line for line in region.log_lines("worker")), logs=region.logs)
    wait_for("beat posting a poll", lambda: any("poll" in line for line in region.log_lines("beat")), logs=region.logs)
    region.inst.stop()   # every line written whole before reading them
    for name in ("serve", "worker", "beat"):
        lines = region.log_lines(name)
        assert lines, f"{name} logged nothing"
        parsed = []
        for line in lines:
            try:
                parsed.append(json.loads(line))
            except json.JSONDecodeError:
                raise AssertionError(f"{name} wrote a line that is not JSON: {line!r}") from None
        for entry in parsed:
            assert {"time", "level", "logger", "message"} <= set(entry), entry
            assert entry["time"].endswith("+00:00"), entry
    worker = [json.loads(line) for line in region.log_lines("worker")]
    assert any(entry["logger"].startswith("celery") for entry in worker)
    failed = next(entry for entry in worker if "exception" in entry)
    assert "TypeError" in failed["exception"] and failed["level"] == "ERROR"


@pytest.mark.postgres
@pytest.mark.redis
def test_gunicorn_with_the_deploy_log_config_writes_json_lines_for_itself_and_the_app(region: Region) -> None:
    gunicorn = str(Path(MAKERNET).with_name("gunicorn"))
    config = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn-logging.json"
    with open(region.inst.instance_dir / "gunicorn.out", "ab") as out, \
            open(region.inst.instance_dir / "gunicorn.err", "ab") as err:
        region.inst.processes["gunicorn"] = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{region.inst.port}", "--workers", "2", "--access-logfile", "-",
             "--log-config-json", str(config), "makernet.wsgi:app"], env=region.inst.env, stdout=out, stderr=err)
    wait_for("gunicorn", lambda: region.answers("/login"), logs=region.logs)
    assert region.metrics().value("makernet_broker_up") == 1
    region.inst.stop()
    access = (region.inst.instance_dir / "gunicorn.out").read_text().splitlines()
    for name, lines in (("error log", region.log_lines("gunicorn")), ("access log", access)):
        assert lines, f"gunicorn wrote no {name}"
        for line in lines:
            entry = json.loads(line)
            assert {"time", "level", "logger", "message"} <= set(entry), entry
    assert any('"GET /metrics HTTP/1.1" 200' in json.loads(line)["message"] for line in access)


def _waiting_after_posting(broker_url: str, queue: str, transport_options: dict) -> dict[str, int] | None:
    """Post two tasks (one with a priority) to `queue`, then ask the broker through the app's task queue."""
    app = Celery("test-broker", broker=broker_url, set_as_current=False)
    app.conf.update(broker_transport_options=transport_options, task_default_queue=queue)
    try:
        with app.connection_for_write() as connection:
            app.send_task("makernet.poll_printers", queue=queue, connection=connection)
            app.send_task("makernet.poll_printers", queue=queue, connection=connection, priority=5)
        return CeleryQueue(app).waiting([f"{queue}.never-used"])
    finally:
        app.close()


@pytest.mark.redis
def test_queue_depth_on_redis_counts_every_priority_under_the_installations_prefix() -> None:
    with redis_key_space() as (redis_url, prefix):
        waiting = _waiting_after_posting(redis_url, "makernet", {"global_keyprefix": prefix})
    assert waiting == {"makernet": 2, "makernet.never-used": 0}


def test_queue_depth_on_rabbitmq_is_the_passive_declares_message_count() -> None:
    with rabbitmq_vhost() as url:   # a virtual host of its own, deleted with its queues afterwards
        # publisher confirms: both tasks are in the queue when the broker is asked, not still on their way
        assert _waiting_after_posting(url, "makernet", {"confirm_publish": True}) == {"makernet": 2,
                                                                                      "makernet.never-used": 0}


def test_the_embedded_default_counts_the_tasks_of_its_in_process_worker(tmp_path: Path) -> None:
    inst = MakerNetInstallation(tmp_path / "instance", log_format="json", plan_daily_at="off")
    assert inst.run("db", "upgrade").returncode == 0
    made = subprocess.run([MAKERNET, "admin", "create", "--email", ADMIN_EMAIL, "--name", "Admin", "--password-stdin"],
                          env=inst.env, input="a-long-and-private-passphrase-2026\n", capture_output=True, text=True,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    region = Region(inst, "", "", inst.run("token", "create", ADMIN_EMAIL).stdout.strip())
    try:
        region.serve()   # beat posts a printer poll every 0.5 s to the worker in the same process

        def polled() -> Exposition | None:
            figures = region.metrics()
            done = figures.value("makernet_tasks_total", task="makernet.poll_printers", outcome="succeeded")
            return figures if done else None

        figures = wait_for("the embedded worker's polls in /metrics", polled, logs=region.logs)
        assert figures.value("makernet_broker_up") == 1
        assert figures.value("makernet_queue_messages", queue="makernet") is not None   # memory://, in process
    finally:
        inst.stop()
