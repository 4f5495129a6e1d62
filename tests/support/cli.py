"""The `makernet` command run inside the test's process, for tests whose subject is not the console script itself."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path


def command(*args: str, env: dict[str, str], cwd: Path | None = None,
            stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The `makernet` command run in this process, with only `env` for environment and `cwd` as current folder:
    the same commands, settings and one-line refusals as the console script, without starting Python again."""
    from click.testing import CliRunner

    from makernet.cli import main
    unset = {name: None for name in os.environ if name not in env}
    before = Path.cwd()
    os.chdir(cwd or before)
    try:
        done = CliRunner().invoke(main, list(args), input=stdin, env={**unset, **env})
    finally:
        os.chdir(before)
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        raise done.exception
    return subprocess.CompletedProcess(["makernet", *args], done.exit_code, done.stdout, done.stderr)
