"""A pytest plugin loaded with `-p luoshi.testing.env` (see pyproject.toml), so that it runs
before pytest-django reads the settings: every test run gets its own data directory
(database, uploads, queue) and runs queued jobs in-process."""

import atexit
import os
import shutil
import tempfile

_data_dir = tempfile.mkdtemp(prefix="luoshi-test-")
os.environ["LUOSHI_DATA_DIR"] = _data_dir
os.environ["LUOSHI_QUEUE_IMMEDIATE"] = "True"
atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
