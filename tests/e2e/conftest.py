"""Shared fixtures of the end-to-end tests.

The services are started by scripts/services.sh (scripts/test.sh does it); their
endpoints come from the environment or from build/services/env.sh. The `tributary`
binary is $TRIBUTARY_BIN or build/rel/src/cli/tributary.
"""

import os
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRIBUTARY_BUILD_DIR", ROOT / "build"))


def _load_env_file():
    env_file = pathlib.Path(os.environ.get("TRIBUTARY_SERVICES_DIR", BUILD / "services")) / "env.sh"
    if not env_file.exists():
        return
    for line in env_file.read_text().splitlines():
        m = re.match(r"export (\w+)=(.*)", line)
        if m and m.group(1) not in os.environ:
            os.environ[m.group(1)] = m.group(2)


_load_env_file()


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        pytest.fail(f"{name} is not set: start the services with scripts/services.sh start")
    return value


@pytest.fixture(scope="session")
def tributary_bin():
    path = pathlib.Path(os.environ.get("TRIBUTARY_BIN", BUILD / "rel" / "src" / "cli" / "tributary"))
    if not path.exists():
        pytest.fail(f"{path} not built: run scripts/test.sh or cmake --build build/rel")
    return str(path)


@pytest.fixture
def run_tributary(tributary_bin):
    def run(*args, env_extra=None, cwd=ROOT):
        e = dict(os.environ)
        for k, v in (env_extra or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        return subprocess.run([tributary_bin, *args], capture_output=True, text=True, cwd=cwd,
                              env=e, timeout=60)
    return run


@pytest.fixture(scope="session")
def mariadb_params():
    return {
        "host": env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
        "port": int(env("TRIBUTARY_MARIADB_PORT", "3306")),
    }


@pytest.fixture
def admin_conn(mariadb_params):
    import pymysql
    conn = pymysql.connect(user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                           autocommit=True, charset="utf8mb4", **mariadb_params)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def kafka_bootstrap():
    return env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


@pytest.fixture(scope="session")
def s3_settings():
    return {
        "endpoint": env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
        "bucket": env("TRIBUTARY_S3_BUCKET", "tributary-lake"),
        "access_key": env("AWS_ACCESS_KEY_ID", "tributary"),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", "tributary-secret"),
    }
