"""Where the shared binlog test data and the build are (imported by the decoder tests)."""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRIBUTARY_BUILD_DIR", ROOT / "build"))
TESTDATA = pathlib.Path(os.environ.get("TRIBUTARY_BINLOG_TESTDATA",
                                       ROOT.parent / "shared" / "testdata" / "binlog"))
