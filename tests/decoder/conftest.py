import os
import pathlib

import pytest

from binlog_testdata import BUILD


@pytest.fixture(scope="session")
def tributary_bin():
    path = pathlib.Path(os.environ.get("TRIBUTARY_BIN", BUILD / "rel" / "src" / "cli" / "tributary"))
    if not path.exists():
        pytest.fail(f"{path} not built")
    return str(path)
