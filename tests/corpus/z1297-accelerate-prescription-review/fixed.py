# Flag prescriptions that need a pharmacist's second look.
# Each script is encoded as three segments: drug line, directions (sig), patient note.
import functools
import os
import re
import tempfile
from types import SimpleNamespace

import torch
import yaml
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

RAW_CONFIG = """
bert_base: &bert_base
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  type_vocab_size: 2
  max_position_embeddings: 96

model:
  <<: *bert_base
  num_labels: 2
  type_vocab_size: 3

data:
  segments: [drug, sig, note]
  max_tokens: ${model.max_position_embeddings}

train:
  batch_size: 3
  lr: 3.0e-4
  epochs: 2
  seed: 2024
"""


def resolve(node, cfg):
    """Replace ${section.key} placeholders with the referenced value."""
    if isinstance(node, dict):
        return {k: resolve(v, cfg) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, cfg) for v in node]
    if isinstance(node, str):
        m = re.fullmatch(r"\$\{(\w+)\.(\w+)\}", node.strip())
        if m:
            return cfg[m.group(1)][m.group(2)]
    return node


def namespace(node):
    if isinstance(node, dict):
        return SimpleNamespace(**{k: namespace(v) for k, v in node.items()})
    if isinstance(node, list):
        return [namespace(v) for v in node]
    return node


SCRIPTS = [
    ({"drug": "warfarin 5 mg tablet", "sig": "take one tablet daily", "note": "also on aspirin"}, 1),
    ({"drug": "amoxicillin 500 mg capsule", "sig": "take one capsule three times daily", "note": "no allergies"}, 0),
    ({"drug": "methotrexate 10 mg tablet", "sig": "take one tablet daily", "note": "rheumatoid arthritis"}, 1),
    ({"drug": "metformin 500 mg tablet", "sig": "take one tablet twice daily with food", "note": "type two diabetes"}, 0),
    ({"drug": "oxycodone 10 mg tablet", "sig": "take two tablets every four hours", "note": "elderly patient"}, 1),
    ({"drug": "lisinopril 10 mg tablet", "sig": "take one tablet daily", "note": "blood pressure review done"}, 0),
]


def write_vocab(folder):
    words = set()
    for fields, _ in SCRIPTS:
        for text in fields.values():
            words.update(text.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return vocab_path


def encode_script(fields, tokenizer, segment_names):
    ids, seg_ids = [tokenizer.cls_token_id], [0]
    for seg_no, name in enumerate(segment_names):
        piece = tokenizer.encode(fields[name], add_special_tokens=False) + [tokenizer.sep_token_id]
        ids.extend(piece)
        seg_ids.extend([seg_no] * len(piece))
    return ids, seg_ids


def collate(rows, tokenizer, segment_names, max_tokens):
    encoded = [encode_script(f, tokenizer, segment_names) for f, _ in rows]
    width = min(max(len(ids) for ids, _ in encoded), max_tokens)
    tok_rows, type_rows, keep_rows = [], [], []
    for ids, seg_ids in encoded:
        ids, seg_ids = ids[:width], seg_ids[:width]
        pad = width - len(ids)
        tok_rows.append(ids + [tokenizer.pad_token_id] * pad)
        type_rows.append(seg_ids + [0] * pad)
        keep_rows.append([1] * len(ids) + [0] * pad)
    return {
        "input_ids": torch.tensor(tok_rows),
        "token_type_ids": torch.tensor(type_rows),
        "attention_mask": torch.tensor(keep_rows),
        "labels": torch.tensor([y for _, y in rows]),
    }


def main():
    cfg = yaml.safe_load(RAW_CONFIG)
    cfg = namespace(resolve(cfg, cfg))
    set_seed(cfg.train.seed)

    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))

    model_kwargs = vars(cfg.model).copy()
    model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), **model_kwargs))
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.train.lr)

    loader = DataLoader(SCRIPTS, batch_size=cfg.train.batch_size, shuffle=True,
                        collate_fn=functools.partial(collate, tokenizer=tokenizer,
                                                     segment_names=cfg.data.segments,
                                                     max_tokens=cfg.data.max_tokens))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(cfg.train.epochs):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / len(loader):.4f}")

    accelerator.print("review flagger trained")


if __name__ == "__main__":
    main()
