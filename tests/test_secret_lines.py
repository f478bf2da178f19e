"""No secret is shown in a line that Python's traceback would not show: the steps of "where the values come
from", a fix's `-`/`+` lines and code, and the JSON report mask credential-like literals, URL passwords and
the values given to names like password, token, secret, api_key, credentials.  Python's own traceback lines
are left as Python shows them.
"""
from __future__ import annotations

import io
import json
import textwrap

import pytest

from explainerr import hook
from explainerr.masking import mask_secrets

from conftest import ROOT

#: examples/mean_pool_mask.py with a password passed to the function that builds the mask
MEAN_POOL = (ROOT / "examples" / "mean_pool_mask.py").read_text().replace(
    "def build_mask(lengths, width=MAX_LEN):", "def build_mask(lengths, width=MAX_LEN, db_password=None):").replace(
    "attention_mask = build_mask(lengths)", 'attention_mask = build_mask(lengths, db_password="hunter2-horse")')

ORIGIN_KEYWORD = textwrap.dedent('''\
    import torch

    def load_ids(url, password):
        return torch.tensor([[1, 2, 10]])

    ids = load_ids("https://datasets.internal/corpus", password="hunter2-correct-horse")
    table = torch.nn.Embedding(10, 4)
    table(ids)
''')

ORIGIN_URL = textwrap.dedent('''\
    import torch
    def load_ids(url):
        return torch.tensor([[1, 2, 10]])
    ids = load_ids(url="postgresql://admin:hunter2@10.0.0.5/prod")
    table = torch.nn.Embedding(10, 4)
    table(ids)
''')


def _run(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(source)
    try:
        exec(compile(source, str(path), "exec"), {"__name__": "__main__"})
    except Exception as e:
        return e
    raise AssertionError("did not raise")


@pytest.mark.parametrize("name,source,shown", [
    ("secret_fix.py", MEAN_POOL, 'build_mask(lengths, db_password="***")'),
    ("secret_origin2.py", ORIGIN_KEYWORD, 'password="***"'),
    ("secret_origin3.py", ORIGIN_URL, 'url="postgresql://***:***@10.0.0.5/prod"'),
])
def test_lines_python_would_not_show_are_masked_in_every_format(name, source, shown, tmp_path):
    exc = _run(tmp_path, name, source)
    texts = []
    for fmt in ("plain", "rich", "json"):
        out = io.StringIO()
        report_path = tmp_path / f"{name}-{fmt}.json"
        hook.configure(format=fmt, color=False, report_path=str(report_path))
        try:
            report = hook.handle(exc, exc.__traceback__, stream=out)
        finally:
            hook._overrides.clear()
        assert report is not None and report.diagnosis is not None
        texts += [out.getvalue(), report_path.read_text()]
    assert all("hunter2" not in t for t in texts)
    assert any(shown in t for t in texts[:2])            # the step or the fix is still shown, masked
    data = json.loads(texts[-1])
    d = data["diagnosis"]
    assert all("hunter2" not in json.dumps(e) for e in (d["fix"] or {}).get("edits", []))


def test_a_fix_on_a_line_holding_a_secret_is_shown_masked_and_left_out_of_the_json(tmp_path):
    exc = _run(tmp_path, "secret_fix.py", MEAN_POOL)
    out = io.StringIO()
    hook.configure(format="plain", color=False)
    try:
        report = hook.handle(exc, exc.__traceback__, stream=out)
    finally:
        hook._overrides.clear()
    text = out.getvalue()
    assert '- attention_mask = build_mask(lengths, db_password="***")' in text
    assert report.diagnosis.fix.edits            # the in-process Report keeps the applicable edit
    from explainerr.render import report_dict
    assert report_dict(report)["diagnosis"]["fix"]["edits"] == []   # the written report does not


@pytest.mark.parametrize("line,expected", [
    ('x = build_mask(lengths, db_password="hunter2-horse")', 'x = build_mask(lengths, db_password="***")'),
    ('API_KEY = "sk-live-SECRETA1b2C3d4E5f6G7h8"', 'API_KEY = "***"'),
    ('token: str = "abc"', 'token: str = "***"'),
    ("cfg = {'api_key': 'x1', 'lr': 0.1}", "cfg = {'api_key': '***', 'lr': 0.1}"),
    ('client_secret = 918273645', 'client_secret = ***'),
    ('if password == "letmein":', 'if password == "***":'),
    ("h = {'Authorization': 'Bearer abc'}", "h = {'Authorization': '***'}"),
    ('creds = Creds(credentials="p@ss")', 'creds = Creds(credentials="***")'),
    ('u = "https://user:pw@host/x"', 'u = "https://***:***@host/x"'),
    ('push(hf_token)', 'push(hf_token)'),
    ('tok = tokenizer("hello world", padding=True)', 'tok = tokenizer("hello world", padding=True)'),
    ('pad_token_id = 0', 'pad_token_id = 0'),
    ('ids = batch["input_ids"][:, :512]', 'ids = batch["input_ids"][:, :512]'),
    ('h = hash("Xk9SECRETHqP2zR8vTa")', 'h = hash("***")'),
])
def test_mask_secrets(line, expected):
    assert mask_secrets(line) == expected
