"""An uncaught error inside a loop drawn with a tqdm progress bar (as Trainer and Lightning draw theirs): the
bar ends its line before the traceback, and nothing redraws after the explanation."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("tqdm", reason="tqdm is not installed")

SCRIPT = textwrap.dedent("""
    import sys
    import torch
    from tqdm import tqdm

    mask = torch.ones(2, 4)
    bar = tqdm(total=3, file=sys.stderr, mininterval=0)  # held by the loop's owner, as a Trainer holds its bar
    for step in range(3):
        bar.update(1)
        hidden = torch.randn(2, 5, 8)
        pooled = (hidden * mask.unsqueeze(-1)).sum(1)
""")


def test_bar_ends_its_line_and_stays_quiet_after(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    p = subprocess.run([sys.executable, "-m", "explainerr", "--format", "plain", str(script)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120, env={**_env(), "NO_COLOR": "1"})
    assert p.returncode == 1
    lines = p.stderr.split("\n")
    start = next(i for i, ln in enumerate(lines) if "Traceback" in ln)
    assert lines[start].startswith("Traceback"), lines[start]  # not glued to the bar's last frame
    assert "it/s" not in "\n".join(lines[start:])  # no redraw of the bar after the traceback began


def _env():
    import os
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    return env
