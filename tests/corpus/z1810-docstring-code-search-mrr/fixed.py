"""Tiny bi-encoder for natural-language -> code search.

Docstrings are the queries, function bodies are the documents. Functions without a
docstring stay in the search pool as distractors. Evaluated with MRR / recall@1.
"""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

FUNCTIONS = [
    ("def read_json(path):\n    with open(path) as fh:\n        return json.load(fh)", "load a json file from disk"),
    ("def write_lines(path, lines):\n    with open(path, 'w') as fh:\n        fh.write('\\n'.join(lines))", "write a list of lines to a file"),
    ("def mean(xs):\n    return sum(xs) / len(xs)", "average of a list of numbers"),
    ("def flatten(nested):\n    return [x for sub in nested for x in sub]", "flatten a nested list"),
    ("def is_palindrome(s):\n    return s == s[::-1]", "check whether a string reads the same backwards"),
    ("def count_words(text):\n    return len(text.split())", "number of words in a text"),
    ("def chunked(xs, n):\n    return [xs[i:i + n] for i in range(0, len(xs), n)]", "split a list into chunks of size n"),
    ("def clamp(v, lo, hi):\n    return max(lo, min(v, hi))", "limit a value to a range"),
    ("def _helper(a, b):\n    return a * b + 1", None),
    ("def http_get(url):\n    return requests.get(url, timeout=5).text", "download the text of a web page"),
    ("def dedupe(xs):\n    return list(dict.fromkeys(xs))", "remove duplicates keeping order"),
    ("def _tmp_path(name):\n    return os.path.join('/tmp', name)", None),
    ("def snake_to_camel(name):\n    head, *rest = name.split('_')\n    return head + ''.join(w.title() for w in rest)", "convert snake case identifier to camel case"),
    ("def _noop(*args):\n    return None", None),
]

SPLIT_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[^\sA-Za-z\d_]")


def code_tokens(text):
    return [tok.lower() for tok in SPLIT_RE.findall(text)]


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for t in texts:
        for tok in code_tokens(t):
            vocab.setdefault(tok, len(vocab))
    return vocab


def to_tensor(texts, vocab, width=40):
    mat = torch.zeros(len(texts), width, dtype=torch.long)
    for r, t in enumerate(texts):
        ids = [vocab.get(tok, 1) for tok in code_tokens(t)][:width]
        mat[r, : len(ids)] = torch.tensor(ids)
    return mat


class BagEncoder(nn.Module):
    def __init__(self, vocab_size, dim=48):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, 4, dim_feedforward=96, dropout=0.0, batch_first=True)
        self.mixer = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, tok_mat):
        pad = tok_mat.eq(0)
        h = self.mixer(self.emb(tok_mat), src_key_padding_mask=pad)
        h = h.masked_fill(pad.unsqueeze(-1), 0.0).sum(1) / (~pad).sum(1, keepdim=True).clamp(min=1)
        return F.normalize(self.out(h), dim=-1)


def rank_metrics(query_vecs, code_vecs, gold_positions):
    n_items = query_vecs.size(0)
    reciprocal, hits = [], 0
    for qi in range(n_items):
        scores = code_vecs @ query_vecs[qi]
        target = gold_positions[qi]
        rank = int((scores > scores[target]).sum()) + 1
        reciprocal.append(1.0 / rank)
        hits += int(rank == 1)
    return sum(reciprocal) / len(reciprocal), hits / len(reciprocal)


def main():
    bodies = [body for body, _ in FUNCTIONS]
    documented = [(i, doc) for i, (_, doc) in enumerate(FUNCTIONS) if doc is not None]
    gold_positions = torch.tensor([i for i, _ in documented])
    queries = [doc for _, doc in documented]

    vocab = build_vocab(bodies + queries)
    code_mat = to_tensor(bodies, vocab)
    query_mat = to_tensor(queries, vocab, width=16)
    print(f"{len(bodies)} functions in pool, {len(queries)} docstring queries, vocab={len(vocab)}")

    code_enc, query_enc = BagEncoder(len(vocab)), BagEncoder(len(vocab))
    params = list(code_enc.parameters()) + list(query_enc.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    temperature = 0.05

    paired_code = code_mat[gold_positions]
    for step in range(5):
        q = query_enc(query_mat)
        c = code_enc(paired_code)
        sim = q @ c.T / temperature
        loss = F.cross_entropy(sim, torch.arange(sim.size(0)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f"step {step} contrastive loss {loss.item():.3f}")

    code_enc.eval()
    query_enc.eval()
    with torch.no_grad():
        code_vecs = code_enc(code_mat)
        query_vecs = query_enc(query_mat)
    mrr, r_at_1 = rank_metrics(query_vecs, code_vecs, gold_positions)
    print(f"MRR={mrr:.3f} R@1={r_at_1:.3f}")


if __name__ == "__main__":
    main()
