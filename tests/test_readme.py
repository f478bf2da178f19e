"""The README holds: the install steps are the ones CI runs, every flag and environment variable explainerr
reads is documented, every link stays inside the repository, docs/ lists the pattern ids and the report's
keys that the code produces, and the worked example's output is what explainerr prints."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

README = (ROOT / "README.md").read_text()
DOCS = ROOT / "docs"
PYPROJECT = (ROOT / "pyproject.toml").read_text()
CI = (ROOT / ".ci" / "run").read_text()


def _help(main, argv):
    """The --help text of a command-line entry that exits after printing it."""
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(argv)
    return out.getvalue()


def _flags(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text)) - {"--help"}


def test_every_flag_is_documented():
    from explainerr.__main__ import _parser
    from explainerr.cli_tools import check_knowledge, explain_log
    flags = _flags(_parser().format_help()) | _flags(_help(explain_log, ["--help"])) | _flags(
        _help(check_knowledge, ["--help"])) | {"--explain"}
    assert flags >= {"--format", "--report", "--color", "--no-color", "--width", "--run-examples"}
    missing = sorted(f for f in flags if f"`{f}" not in README)
    assert not missing, missing


def test_every_environment_variable_is_documented():
    source = "\n".join(p.read_text() for p in (ROOT / "explainerr").rglob("*.py"))
    names = set(re.findall(r"\bEXPLAINERR_[A-Z_]+\b", source))
    names |= set(re.findall(r"""environ(?:\.get)?\(\s*["']([A-Z][A-Z_]+)["']""", source))
    names |= set(re.findall(r"""\benv\.get\(\s*["']([A-Z][A-Z_]+)["']""", source))
    assert {"EXPLAINERR_DEADLINE_MS", "EXPLAINERR_FORMAT", "NO_COLOR", "RANK"} <= names
    missing = sorted(n for n in names if f"`{n}" not in README)
    assert not missing, missing


def test_links_stay_inside_the_repository():
    assert "DESIGN.md" not in README and "shared/" not in README
    for doc in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", doc.read_text()):
            if not re.match(r"\w+://", target):
                assert (doc.parent / target).exists(), (doc.name, target)


def test_install_steps_are_the_ones_ci_runs():
    torch_line = re.search(r"^pip install torch==([\d.]+) --index-url (\S+)$", README, re.M)
    assert torch_line, "the README installs the CPU torch from PyTorch's CPU index"
    assert torch_line.group(2).endswith("/whl/cpu")
    assert f"pip install -q torch=={torch_line.group(1)} --index-url {torch_line.group(2)}" in CI
    assert re.search(r"^git clone .* explainerr && cd explainerr$", README, re.M)
    assert re.search(r'^pip install -e "\.\[test,integrations\]"', README, re.M)
    assert 'pip install -q -e ".[test,integrations]"' in CI
    assert "```bash\npython -m pytest -q\n```" in README and re.search(r"^python -m pytest -q\b", CI, re.M)
    extras = [re.search(rf"^{name} = \[(.*)\]$", PYPROJECT, re.M).group(1) for name in ("test", "integrations")]
    for package in re.findall(r'"([A-Za-z][\w-]*)', " ".join(extras)):
        name = {"ipython": "IPython"}.get(package, package)
        assert name in README.split("## Tests")[0], package
    for package in re.findall(r'^\s+"([A-Za-z][\w-]*)', PYPROJECT.split("dependencies = [")[1].split("]")[0], re.M):
        if package != "torch":
            assert package in README.split("## Tests")[0], package


def test_docs_list_the_pattern_ids_the_report_can_carry():
    import json
    ids = set(re.findall(r"^\| `([a-z0-9-]+)` \|", (DOCS / "patterns.md").read_text(), re.M))
    schema = json.loads((ROOT / "tests" / "report_schema.json").read_text())
    enum = set(schema["$defs"]["diagnosis"]["properties"]["pattern"]["enum"]) if "$defs" in schema else set(
        schema["definitions"]["diagnosis"]["properties"]["pattern"]["enum"])
    assert ids == enum
    builtin = set()
    for path in (ROOT / "knowledge").glob("*.yaml"):
        for rule in yaml.safe_load(path.read_text())["patterns"]:
            builtin.add(rule.get("pattern_id", rule["id"]))
    assert builtin <= ids
    for pattern_id in ids:
        assert f"`{pattern_id}`" in README


def test_docs_describe_every_key_of_the_report():
    import torch

    from explainerr.analysis import analyze
    try:
        hidden, mask = torch.ones(2, 5, 8), torch.ones(2, 4)
        hidden * mask.unsqueeze(-1)
    except RuntimeError as e:
        report = analyze(e, e.__traceback__).to_dict()
    text = (DOCS / "report.md").read_text()
    keys = set(report) | {f"diagnosis.{k}" for k in report["diagnosis"]} | {"timing.analysis_ms"}
    documented = set(re.findall(r"^\| `([\w.]+)` \|", text, re.M))
    short = {k.split(".")[-1] for k in documented}
    missing = sorted(k for k in keys if k not in documented and k.split(".")[-1] not in short
                     and f'"{k.split(".")[-1]}"' not in text)
    assert not missing, missing


def test_the_worked_example_prints_what_the_readme_shows():
    """The README's `python -m explainerr examples/mean_pool_mask.py` block: its diagnosis line, summary and
    edit are what explainerr prints for that script."""
    import io

    from corpus_runner import analyse, run_script
    from explainerr.render import render_plain
    block = README.split("`python -m explainerr examples/mean_pool_mask.py`:")[1].split("```text\n")[1].split("```")[0]
    outcome = run_script(ROOT / "examples" / "mean_pool_mask.py")
    printed = render_plain(analyse(outcome), with_traceback=False)
    del outcome
    for line in block.splitlines():
        if line.startswith(("explainerr [", "  `", "    - ", "    + ")):
            assert line in printed.splitlines(), (line, printed)
    assert "explainerr [mask-length-mismatch" in block
