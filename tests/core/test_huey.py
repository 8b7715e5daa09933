"""Background jobs: SQLite queue by default, Redis when REDIS_URL is set, run by `run_huey`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

# Set for the whole session once browser tests ran; the children must not inherit it.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
TASK_TIMEOUT_SECONDS = 30


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", ASYNC_UNSAFE}
    }
    pythonpath = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH", "")]))
    return {**env, "AFTERSALES_VAR": str(tmp_path / "var"), "PYTHONPATH": pythonpath, **extra}


def _aftersales(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "aftersales.cli", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, **kwargs)


def _queue_class(env: dict[str, str]) -> str:
    code = "from huey.contrib.djhuey import HUEY; print(type(HUEY).__name__)"
    return _aftersales("shell", "--no-imports", "-c", code, env=env).stdout.strip()


def test_jobs_queue_in_sqlite_when_no_redis_is_configured(tmp_path):
    assert _queue_class(_env(tmp_path)) == "SqliteHuey"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at TEST_REDIS_URL={url}: {exc}")
    return url


@pytest.fixture
def probe_app(tmp_path):
    """A throwaway app whose one task writes a file, on a queue of its own in Redis."""
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "__init__.py").write_text("")
    (tmp_path / "probe" / "tasks.py").write_text(
        textwrap.dedent("""
            from pathlib import Path
            from huey.contrib.djhuey import task

            @task()
            def touch(path):
                Path(path).write_text("done")
        """)
    )
    # A unique queue name keeps another consumer on the same Redis from taking our task.
    (tmp_path / "probe_settings.py").write_text(
        "from aftersales.settings import *  # noqa\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'probe']\n"
        f"HUEY = {{**HUEY, 'name': 'aftersales-test-{uuid.uuid4().hex}'}}\n"
    )
    return "probe_settings"


def test_job_enqueued_by_the_web_side_runs_in_a_redis_consumer(tmp_path, redis_url, probe_app):
    env = _env(tmp_path, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE=probe_app)
    assert _queue_class(env) == "RedisHuey"
    done = tmp_path / "done.txt"
    consumer = subprocess.Popen(
        [sys.executable, "-m", "aftersales.cli", "run_huey", "--quiet", "--workers", "1"],
        env=env,
        start_new_session=True,
    )
    try:
        enqueue = f"from probe.tasks import touch; touch({str(done)!r})"
        assert _aftersales("shell", "--no-imports", "-c", enqueue, env=env).returncode == 0
        deadline = time.monotonic() + TASK_TIMEOUT_SECONDS
        while not done.exists() and time.monotonic() < deadline:
            assert consumer.poll() is None, "the consumer exited"
            time.sleep(0.2)  # another process does the work: wait for it, bounded
        assert done.read_text() == "done"
    finally:
        consumer.terminate()
        consumer.wait(timeout=15)
