"""No secret leaves the failing program: only tensor metadata and small plain values reach any output.

Secrets are planted in VALUES only (locals, globals, a dict batch, a dict key, a long string, a credential-
shaped string under an innocent name, an int under a secret name); every output format (rich, plain, JSON,
the --report file) and the Report itself are searched for them.  Common ML names (`input_ids`,
`token_type_ids`, `key_states`, `pad_token_id`, `tokenizer`) keep working.
"""
from __future__ import annotations

import json
import re
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from conftest import run_py

CASE = textwrap.dedent('''
    import os
    import torch

    API_KEY = "sk-live-SECRETA1b2C3d4E5f6G7h8"
    HF_TOKEN = "hf_SECRETBxY9zW8vU7tS6rQ5"
    DB_PASSWORD = "SECRETC-correct-horse"


    def forward(batch, pad_token_id=0):
        password = "SECRETD-hunter2"
        token = "SECRETE"
        auth_header = "Bearer SECRETF"
        blob = "SECRETG" + "z" * 5000
        innocent = "Xk9SECRETHqP2zR8vTa"
        client_secret = 918273645
        key = "SECRETI"
        private_key = "-----BEGIN SECRETJ-----"
        by_key = {"ghp_SECRETK1234567890abcdefABCDEF": torch.ones(2)}
        device = "cpu"
        key_states = torch.zeros(2, 4, 8)
        token_type_ids = torch.zeros(2, 5, dtype=torch.long)
        input_ids = batch["input_ids"]
        scores = torch.randn(2, 7)
        attention_mask = batch["attention_mask"]
        if API_KEY and HF_TOKEN and DB_PASSWORD:
            if os.environ.get("SECRET_VARIANT") == "value":
                raise ValueError("no tensor rule matches this")
            return scores * attention_mask


    batch = {"input_ids": torch.ones(2, 5, dtype=torch.long), "attention_mask": torch.ones(2, 5),
             "api_key": "SECRETL", "authorization": "Bearer SECRETM", "labels": torch.zeros(2, dtype=torch.long)}
    forward(batch)
''')

LEAKS = re.compile(r"SECRET|918273645|hunter2|correct-horse")


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    d = tmp_path_factory.mktemp("secrets")
    (d / "case.py").write_text(CASE)
    return d


@pytest.mark.parametrize("variant,fmt", [("torch", "rich"), ("torch", "plain"), ("torch", "json"),
                                         ("value", "plain")])
def test_no_secret_in_any_output_format(case, variant, fmt):
    report = case / f"r-{variant}-{fmt}.json"
    args = ["-m", "explainerr", "--format", fmt, "--report", str(report)]
    if fmt == "rich":
        args.append("--color")
    p = run_py([*args, "case.py"], cwd=case, env={"SECRET_VARIANT": variant})
    assert p.returncode == 1
    text = p.stdout + p.stderr + report.read_text()
    assert not LEAKS.findall(text), sorted(set(LEAKS.findall(text)))
    data = json.loads(report.read_text())
    exprs = {t["expr"] for t in data["tensors"]}
    assert {"key_states", "token_type_ids", "input_ids", "scores", "attention_mask"} <= exprs
    assert 'batch["input_ids"]' in exprs and not any("ghp_" in e for e in exprs)
    if variant == "torch":
        assert data["diagnosis"]["pattern"] == "mask-length-mismatch"
        assert "RuntimeError: The size of tensor a (7) must match" in p.stderr or fmt == "json"
    else:
        assert "ValueError: no tensor rule matches this" in p.stderr


def test_report_object_holds_no_secret_but_keeps_ml_values():
    import torch

    import explainerr
    ns: dict = {"torch": torch}
    exec(compile(CASE.replace("forward(batch)\n", ""), "<secrets-case>", "exec"), ns)
    try:
        ns["forward"](ns["batch"], pad_token_id=3)
    except RuntimeError as e:
        report = explainerr.explain(e)
    assert not LEAKS.findall(repr(report))
    user = report.frames[report.user_frame]
    assert user.scalars.get("pad_token_id") == 3 and user.scalars.get("device") == "cpu"
    assert not {"password", "token", "auth_header", "blob", "innocent", "client_secret", "key", "private_key",
                "API_KEY", "HF_TOKEN", "DB_PASSWORD"} & set(user.scalars)


_SECRET_NAMES = st.sampled_from([
    "password", "db_password", "passwd", "api_key", "apiKey", "API_KEY", "secret", "client_secret", "auth",
    "auth_token", "access_token", "hf_token", "HFToken", "token", "tokens", "refresh_token", "private_key",
    "credentials", "aws_secret_access_key", "cookie", "bearer", "session_key", "key", "github_pat", "jwt"])
_ML_INT_NAMES = st.sampled_from(["pad_token_id", "num_tokens", "max_tokens", "key_dim", "vocab_size", "n_keys",
                                 "token_count", "seq_len"])
_CREDENTIALS = st.one_of(
    st.from_regex(r"(hf_|sk-|ghp_|AKIA|xoxb-|glpat-|eyJ)[A-Za-z0-9]{12,30}", fullmatch=True),
    st.from_regex(r"[a-f0-9]{32,40}", fullmatch=True),
    st.from_regex(r"[A-Z][a-z][0-9][A-Za-z0-9]{10,20}[0-9]", fullmatch=True))


def _frame_with(assignments: list[tuple[str, object]]):
    from explainerr.capture import capture
    body = "".join(f"    {name} = {value!r}\n" for name, value in assignments)
    ns: dict = {}
    exec(compile(f"def fail():\n{body}    raise ValueError('boom')\n", "<generated>", "exec"), ns)
    try:
        ns["fail"]()
    except ValueError as e:
        return capture(e)   # the stage that reads values; everything later sees only this Report


@settings(max_examples=40, deadline=None)
@given(_SECRET_NAMES, st.text(alphabet="abcdefXYZ0123456789-_", min_size=1, max_size=30), _CREDENTIALS,
       _ML_INT_NAMES, st.integers(0, 100_000))
def test_secret_names_and_credential_values_never_reach_the_report(name, value, credential, ml_name, number):
    secret = "SECRET-" + value
    report = _frame_with([(name, secret), ("plain", credential), (ml_name, number)])
    scalars = report.frames[-1].scalars
    assert name not in scalars and "plain" not in scalars
    assert secret not in repr(report) and credential not in repr(report)
    assert scalars.get(ml_name) == number   # ordinary ML numbers are still there for the diagnosis
