"""Where users really are: a Jupyter notebook run by nbclient, DataLoader workers (fork and spawn), threads and
`sys.unraisablehook`, and torchrun with two gloo ranks (heavy)."""
from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

import explainerr
from explainerr import ranks

from conftest import run_py, shows_explainerr

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --- Jupyter ------------------------------------------------------------------------------------------------

def _cell_text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        parts.append(o.get("text", ""))
        parts.extend(v for k, v in o.get("data", {}).items() if k.startswith("text/"))
        parts.extend(o.get("traceback", []))
    return ANSI.sub("", "\n".join(parts))


def test_notebook_cells_are_explained_until_unload(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    cells = [
        "%load_ext explainerr",
        "import torch\ntoken_states = torch.ones(2, 5, 8)\npadding_mask = torch.ones(2, 4)\n"
        "pooled = (token_states * padding_mask.unsqueeze(-1)).sum(1)",
        "%unload_ext explainerr",
        "pooled = (token_states * padding_mask.unsqueeze(-1)).sum(1)",
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    # kernel "python3": jupyter_client starts it with sys.executable, i.e. this venv's interpreter
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    failing, after = _cell_text(nb.cells[1]), _cell_text(nb.cells[3])
    assert [o["output_type"] for o in nb.cells[1].outputs][0] == "error"  # IPython's own traceback first
    assert "RuntimeError" in failing and "must match the size of tensor b (4)" in failing
    assert "mask-length-mismatch" in failing
    assert "`padding_mask` covers 4 positions but `token_states` has 5" in failing
    assert "padding_mask = torch.ones(2, 4)" in failing                    # the cell's own line, in the fix
    assert "padding_mask = torch.ones(2, token_states.size(1))" in failing
    assert "must match the size of tensor b (4)" in after
    assert not shows_explainerr(after) and "mask-length-mismatch" not in after
    assert [o["output_type"] for o in nb.cells[3].outputs] == ["error"]


# --- DataLoader workers ---------------------------------------------------------------------------------------

LOADER = textwrap.dedent('''
    import sys
    import torch
    from torch.utils.data import DataLoader, Dataset


    class TokenDataset(Dataset):
        def __init__(self):
            self.examples = [torch.arange(n) for n in (3, 5, 4, 6)]
            self.labels = torch.tensor([0, 1])

        def __len__(self):
            return len(self.examples)

        def __getitem__(self, i):
            if sys.argv[2] == "getitem":
                return self.examples[i][:3], self.labels[i]
            return self.examples[i]


    def collate_token_lists(token_lists):
        return torch.stack(token_lists)


    if __name__ == "__main__":
        context = None if sys.argv[1] == "default" else sys.argv[1]
        collate = collate_token_lists if sys.argv[2] == "collate" else None
        loader = DataLoader(TokenDataset(), batch_size=2, num_workers=2, collate_fn=collate,
                            multiprocessing_context=context)
        for batch in loader:
            print("batch", flush=True)
''')


@pytest.fixture(scope="module")
def loader_script(tmp_path_factory):
    path = tmp_path_factory.mktemp("loader") / "load.py"
    path.write_text(LOADER)
    return path


@pytest.mark.parametrize("context", ["default", "spawn"])
def test_dataloader_worker_error_is_explained_from_its_traceback_text(loader_script, context):
    report_path = loader_script.parent / f"report-{context}.json"
    p = run_py(["-m", "explainerr", "--report", str(report_path), str(loader_script), context, "collate"],
               cwd=loader_script.parent)
    assert p.returncode == 1, p.stderr
    assert f"Caught RuntimeError in DataLoader worker process" in p.stderr
    report = json.loads(report_path.read_text())
    assert report["exception"]["chain"][0] == {
        "type": "RuntimeError",
        "message": "stack expects each tensor to be equal size, but got [3] at entry 0 and [5] at entry 1"}
    d = report["diagnosis"]
    assert d["pattern"] == "unpadded-batch" and "([3] and [5])" in d["summary"] and "`loader`" in d["summary"]
    assert "explainerr [unpadded-batch" in p.stderr
    assert any("num_workers=0" in n for n in report["notes"])
    assert "Re-run with num_workers=0" in " ".join(p.stderr.split())


def test_dataloader_worker_error_without_facts_is_not_guessed(loader_script):
    """An index error in __getitem__: the text alone does not say which mistake it is, so no diagnosis,
    but the advice to reproduce with num_workers=0."""
    report_path = loader_script.parent / "report-getitem.json"
    p = run_py(["-m", "explainerr", "--report", str(report_path), str(loader_script), "default", "getitem"],
               cwd=loader_script.parent)
    assert p.returncode == 1, p.stderr
    report = json.loads(report_path.read_text())
    assert report["exception"]["type"] == "IndexError"
    assert report["exception"]["chain"][0]["message"] == "index 2 is out of bounds for dimension 0 with size 2"
    assert report["diagnosis"] is None
    assert "no known mistake matches" in p.stderr and "Re-run with num_workers=0" in " ".join(p.stderr.split())


# --- threads and sys.unraisablehook ---------------------------------------------------------------------------
# (an exception in a threading.Thread is explained: tests/test_hook.py::test_thread_exceptions_are_explained)

def test_install_leaves_unraisablehook_alone(tmp_path):
    before = sys.unraisablehook
    explainerr.install()
    try:
        assert sys.unraisablehook is before
    finally:
        explainerr.uninstall()
    script = tmp_path / "u.py"
    script.write_text(textwrap.dedent("""
        import explainerr
        explainerr.install()
        class Batch:
            def __del__(self):
                raise RuntimeError("closing batch_file failed")
        b = Batch()
        del b
        print("still running")
    """))
    p = run_py([str(script)])
    assert p.returncode == 0 and p.stdout.strip() == "still running"
    assert "Exception ignored in" in p.stderr and "RuntimeError: closing batch_file failed" in p.stderr
    assert not shows_explainerr(p.stderr)


# --- torchrun -------------------------------------------------------------------------------------------------

def test_rank_prefix(monkeypatch):
    monkeypatch.delenv("RANK", raising=False)
    assert ranks.rank_prefix("a\n\nb\n") == "a\n\nb\n"
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert ranks.rank_prefix("a\n") == "a\n"
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert ranks.rank_prefix("a\n\nb\n") == "[rank1]: a\n[rank1]:\n[rank1]: b\n"   # blank lines keep the prefix
    assert ranks.rank_prefix("a\n\nb") == "[rank1]: a\n[rank1]:\n[rank1]: b"
    # inside torch.distributed's own prefixing excepthook wrapper: left alone (no double prefix)
    ns: dict = {}
    exec(compile("def _distributed_excepthook(f):\n    return f()\n",
                 os.path.join("site-packages", "torch", "distributed", "distributed_c10d.py"), "exec"), ns)
    assert ns["_distributed_excepthook"](lambda: ranks.rank_prefix("a\n")) == "a\n"


DDP = textwrap.dedent('''
    import sys

    if "--install" in sys.argv:
        import explainerr
        explainerr.install()

    import torch
    import torch.distributed as dist
    from torch.distributed.elastic.multiprocessing.errors import record


    @record
    def main():
        dist.init_process_group("gloo")
        rank = dist.get_rank()
        token_states = torch.ones(2, 5 + rank, 8)
        padding_mask = torch.ones(2, 4)
        pooled = (token_states * padding_mask.unsqueeze(-1)).sum(1)
        dist.destroy_process_group()


    if __name__ == "__main__":
        main()
''')


@pytest.fixture(scope="module")
def torchrun_runs(tmp_path_factory):
    """The same two-rank job three ways: plain, `explainerr.install()` in the script, `torchrun -m explainerr`."""
    d = tmp_path_factory.mktemp("ddp")
    (d / "ddp_mask.py").write_text(DDP)
    # --monitor-interval 1: torchrun SIGTERMs the other ranks once one has exited; give both ranks time to finish
    base = ["-m", "torch.distributed.run", "--nproc-per-node", "2", "--standalone", "--monitor-interval", "1"]
    runs = {}
    for name, tail in (("plain", ["ddp_mask.py"]), ("install", ["ddp_mask.py", "--install"]),
                       ("module", ["-m", "explainerr", "ddp_mask.py"])):
        logs = d / f"logs-{name}"
        p = run_py([*base, "--log-dir", str(logs), *tail], cwd=d, env={"OMP_NUM_THREADS": "1"}, timeout=120)
        errors = [json.loads(f.read_text()) for f in sorted(logs.rglob("error.json"))]
        runs[name] = (p, errors)
    return runs


@pytest.mark.heavy
def test_torchrun_every_rank_explained_and_exit_status_kept(torchrun_runs):
    plain, _ = torchrun_runs["plain"]
    assert plain.returncode != 0 and not shows_explainerr(plain.stderr)
    for name in ("install", "module"):
        p, errors = torchrun_runs[name]
        assert p.returncode == plain.returncode, (name, p.stderr[-3000:])
        out = p.stdout + p.stderr
        for rank, width in ((0, 5), (1, 6)):
            assert f"`padding_mask` covers 4 positions but `token_states` has {width} (dimension 1)" in out, name
        assert out.count("explainerr [mask-length-mismatch") == 2, name
        # @record still wrote each rank's error file, with the user's error in it
        messages = sorted(e["message"]["message"] for e in errors)
        assert len(messages) == 2 and all("must match the size of tensor b (4)" in m for m in messages), name
    out = "".join(torchrun_runs["install"][0].stderr)
    # installed before init_process_group: torch's own excepthook wrapper prefixes each line, once
    assert "[rank0]: explainerr [mask-length-mismatch" in out and "[rank1]: explainerr [mask-length-mismatch" in out
    assert "[rank0]:   `padding_mask` covers 4 positions but `token_states` has 5" in out
    assert "[rank0]: [rank0]" not in out


@pytest.mark.heavy
def test_torchrun_module_runner_prefixes_ranks(torchrun_runs):
    out = torchrun_runs["module"][0].stderr
    assert "[rank0]: explainerr [mask-length-mismatch" in out and "[rank1]: explainerr [mask-length-mismatch" in out
