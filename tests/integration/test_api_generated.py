"""Generated calls against the served API, as an integrator's client would send them: schemathesis reads the
OpenAPI document the installation serves and sends examples, boundary values, random and schema-breaking input
and stateful sequences, for each role and without a token. No call may answer a server error, an answer the
document does not describe (status, content type or body), or accept input the document forbids.

The installation runs in production mode on PostgreSQL (ids beyond its integer keys, NUL characters) with a
worker and the demo territory. Each role gets `MAKERNET_API_FUZZ_SECONDS` (30 by default). The suite draws its
input from a fixed seed, so that a run fails or passes on the code and not on luck; a long run to look for new
failures sets `MAKERNET_API_FUZZ_SEED=random` (or another number). The README gives the long run's figure and the
command to repeat it.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from makernet.demo import DEMO_PASSWORD
from tests.support.api import ADMIN, COORDINATOR, OPERATOR, REQUESTER
from tests.support.processes import MakerNetInstallation
from tests.support.services import postgres_database, redis_key_space

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
SECONDS = int(os.environ.get("MAKERNET_API_FUZZ_SECONDS", "30"))
SEED = os.environ.get("MAKERNET_API_FUZZ_SEED", "20261129")
ROLES = {"no-token": None, "requester": REQUESTER, "operator": OPERATOR, "coordinator": COORDINATOR, "admin": ADMIN}
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
          "response_schema_conformance,negative_data_rejection")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakerNetInstallation]:
    """MakerNet in production mode on PostgreSQL and Redis, with a worker and the demo territory."""
    with postgres_database() as database_url, redis_key_space() as (broker_url, prefix):
        inst = MakerNetInstallation(tmp_path_factory.mktemp("api") / "instance", database_url=database_url,
                                    broker_url=broker_url, broker_key_prefix=prefix)
        try:
            for command in (("db", "upgrade"), ("demo", "--yes-load-demo-users")):
                done = inst.run(*command)
                assert done.returncode == 0, done.stdout + done.stderr
            inst.start("worker", "worker", "--concurrency", "1")
            inst.serve()
            # every role's token first: generated sign-ins with wrong passwords soon throttle this address
            inst.tokens = {role: token(inst, email) for role, email in ROLES.items() if email}  # type: ignore[attr-defined]
            yield inst
        finally:
            inst.stop()


def token(inst: MakerNetInstallation, email: str) -> str:
    answer = httpx.post(f"{inst.url}/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


@pytest.mark.timeout(SECONDS * 4 + 300)
@pytest.mark.parametrize("role", list(ROLES))
def test_generated_calls_get_no_server_error_and_only_answers_the_document_describes(
        served: MakerNetInstallation, role: str, tmp_path: Path) -> None:
    auth = [] if ROLES[role] is None else ["--header", f"Authorization: Bearer {served.tokens[role]}"]  # type: ignore[attr-defined]
    report = tmp_path / "report"
    seed = [] if SEED == "random" else ["--seed", SEED]
    done = subprocess.run(
        [SCHEMATHESIS, "run", f"{served.url}/api/v1/openapi.json", *auth, "--checks", CHECKS,
         "--phases", "examples,coverage,fuzzing,stateful", "--max-time", str(SECONDS), "--workers", "1",
         "--request-timeout", "60", "--max-failures", "20", "--warnings", "off", "--no-color",
         "--report", "junit", "--report-dir", str(report), *seed],
        capture_output=True, text=True, timeout=SECONDS * 4 + 180, cwd=tmp_path)
    assert done.returncode == 0, (done.stdout[-8000:] + done.stderr[-2000:] + "\n--- serve\n" + served.log("serve"))
    calls = re.search(r"(\d+) generated", done.stdout)
    assert calls and int(calls.group(1)) > 0, done.stdout[-3000:]
    print(f"{role}: {calls.group(1)} generated calls in {SECONDS} s, no failure")   # shown with -s
