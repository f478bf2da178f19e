"""Encode apiary inspection records (hive header / weather / notes) with a small BERT
and fit a linear probe for 'needs follow-up visit'."""
import re
import tempfile
import os
import types

import torch
import yaml
from transformers import BertConfig, BertModel, BertTokenizer

SETTINGS = """
shared: &base
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  type_vocab_size: 2
model:
  <<: *base
  max_position_embeddings: 64
  type_vocab_size: ${data.num_segments}
data:
  fields: [hive, weather, notes]
  num_segments: 3
  max_len: ${model.max_position_embeddings}
train:
  lr: 0.001
  epochs: 3
  seed: 7
"""

_REF = re.compile(r"\$\{([\w.]+)\}")


def _lookup(tree, dotted):
    node = tree
    for part in dotted.split("."):
        node = node[part]
    return node


def resolve(node, root):
    if isinstance(node, dict):
        return {k: resolve(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, root) for v in node]
    if isinstance(node, str):
        whole = _REF.fullmatch(node)
        if whole:
            return resolve(_lookup(root, whole.group(1)), root)
        return _REF.sub(lambda m: str(resolve(_lookup(root, m.group(1)), root)), node)
    return node


def to_ns(obj):
    if isinstance(obj, dict):
        return types.SimpleNamespace(**{k: to_ns(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return [to_ns(v) for v in obj]
    return obj


RECORDS = [
    ({"hive": "hive 12 langstroth", "weather": "sunny warm calm", "notes": "queen seen brood solid"}, 0),
    ({"hive": "hive 4 top bar", "weather": "overcast cool", "notes": "no eggs queen cells capped"}, 1),
    ({"hive": "hive 9 warre", "weather": "windy mild", "notes": "varroa drop high chalkbrood"}, 1),
    ({"hive": "hive 2 langstroth", "weather": "sunny hot", "notes": "honey flow strong calm bees"}, 0),
]


def write_vocab(records):
    words = sorted({w for rec, _ in records for txt in rec.values() for w in txt.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_record(tok, rec, fields, max_len):
    ids, seg_ids = [tok.cls_token_id], [0]
    for seg, field in enumerate(fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(rec[field])) + [tok.sep_token_id]
        ids += piece
        seg_ids += [seg] * len(piece)
    ids, seg_ids = ids[:max_len], seg_ids[:max_len]
    return ids, seg_ids


def make_batch(tok, records, cfg):
    enc = [encode_record(tok, r, cfg.data.fields, cfg.data.max_len) for r, _ in records]
    width = max(len(i) for i, _ in enc)
    ids = torch.full((len(enc), width), tok.pad_token_id)
    segs = torch.zeros((len(enc), width), dtype=torch.long)
    attn = torch.zeros((len(enc), width), dtype=torch.long)
    for row, (i, s) in enumerate(enc):
        ids[row, : len(i)] = torch.tensor(i)
        segs[row, : len(s)] = torch.tensor(s)
        attn[row, : len(i)] = 1
    y = torch.tensor([lab for _, lab in records], dtype=torch.float)
    return {"input_ids": ids, "token_type_ids": segs, "attention_mask": attn}, y


def main():
    raw = yaml.safe_load(SETTINGS)
    cfg = to_ns(resolve(raw, raw))
    torch.manual_seed(cfg.train.seed)

    tok = BertTokenizer(write_vocab(RECORDS))
    bert_cfg = BertConfig(vocab_size=tok.vocab_size, **vars(cfg.model))
    encoder = BertModel(bert_cfg)
    probe = torch.nn.Linear(cfg.model.hidden_size, 1)
    opt = torch.optim.AdamW(list(encoder.parameters()) + list(probe.parameters()), lr=cfg.train.lr)

    batch, y = make_batch(tok, RECORDS, cfg)
    print(f"batch ids {tuple(batch['input_ids'].shape)}, segments used: {batch['token_type_ids'].max().item() + 1}")

    for epoch in range(cfg.train.epochs):
        out = encoder(**batch)
        logit = probe(out.last_hidden_state[:, 0]).squeeze(-1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    print("probe trained")


if __name__ == "__main__":
    main()
