"""The README's first command keeps working (services are already up: start is idempotent)."""

import subprocess

from conftest import ROOT


def test_quickstart_runs_and_says_what_works():
    r = subprocess.run(["bash", str(ROOT / "scripts/quickstart.sh")], capture_output=True,
                       text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "configuration OK (2 connectors); dry run, nothing started" in r.stdout
    assert "does not stream yet" in r.stdout
    assert "customers\n4" in r.stdout
