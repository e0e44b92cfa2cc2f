"""Every example runs end to end with a reduced budget, so none of them rots."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("plot_*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs_with_a_small_budget(example, tmp_path):
    environment = {
        **os.environ,
        "SKGRU_EXAMPLE_BUDGET": "small",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
    }
    completed = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "wrote " in completed.stdout
    written = list(tmp_path.glob("*.png"))
    assert written and all(path.stat().st_size > 10_000 for path in written)
