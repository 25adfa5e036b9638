"""The engine stays a plain package."""

from __future__ import annotations

import subprocess
import sys


def test_it_imports_without_django() -> None:
    """Importing and running luoshi.extraction leaves 'django' out of sys.modules."""
    code = (
        "import sys, luoshi.extraction as e; "
        "e.extract('It is necessary to work.'); "
        "from luoshi.extraction import cli, evaluate, readers, llm; "
        "print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
