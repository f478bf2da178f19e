"""Relation extraction on ship engine-room maintenance logs with Accelerate.

Given a log line with a marked COMPONENT and a marked FAULT, predict whether
the fault belongs to that component. The classifier sees:
    * the BERT vectors of the first token of each mention   (B, H) each
    * a learned embedding of the bucketed token distance     (B, D)
and concatenates them into (B, 2H + D).
"""
import os
import tempfile
from dataclasses import dataclass
from functools import partial

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

# (words, component word index, fault word index, label)
LOGS = [
    ("port main engine turbocharger showed surging at full load".split(), 3, 5, 1),
    ("aux generator two lube oil pressure low alarm".split(), 1, 5, 1),
    ("bilge pump one motor running normal no leakage".split(), 1, 7, 0),
    ("vibration observed on shaft bearing number three".split(), 5, 0, 1),
    ("overheating reported at steering gear hydraulic unit".split(), 6, 0, 1),
    ("fresh water generator output normal salinity within limits".split(), 1, 6, 0),
]


@dataclass
class Batch:
    enc: dict             # input_ids / attention_mask / token_type_ids, each (B, T)
    comp_tok: torch.Tensor   # (B,)
    fault_tok: torch.Tensor  # (B,)
    target: torch.Tensor     # (B,)


def make_tokenizer(records):
    words = sorted({w for ws, *_ in records for w in ws})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate(records, tokenizer):
    words = [r[0] for r in records]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    comp, fault = [], []
    for i, (_, c_word, f_word, _) in enumerate(records):
        wids = enc.word_ids(i)
        comp.append(wids.index(c_word))
        fault.append(wids.index(f_word))
    return Batch(dict(enc), torch.tensor(comp), torch.tensor(fault),
                 torch.tensor([r[3] for r in records]))


def distance_bucket(dist, n_exact=4, n_buckets=8):
    """Exact buckets for 0..n_exact-1, log2-spaced buckets above, capped at n_buckets-1."""
    small = dist < n_exact
    log_b = dist.float().div(n_exact).log2().floor().long() + n_exact
    return torch.where(small, dist, log_b.minimum(torch.tensor(n_buckets - 1)))


class FaultRelationModel(nn.Module):
    def __init__(self, config, n_buckets=8, dist_dim=8):
        super().__init__()
        self.bert = BertModel(config)
        self.dist_emb = nn.Embedding(n_buckets, dist_dim)
        self.out = nn.Linear(2 * config.hidden_size + dist_dim, 2)

    def forward(self, b: Batch):
        hidden = self.bert(**b.enc).last_hidden_state  # (B, T, H)
        rows = torch.arange(hidden.size(0))
        comp_vec = hidden[rows, b.comp_tok]    # (B, H)
        fault_vec = hidden[rows, b.fault_tok]  # (B, H)
        dist = b.fault_tok - b.comp_tok        # (B,)
        buckets = distance_bucket(dist)        # (B,)
        assert buckets.shape == comp_vec.shape[:1]
        feats = torch.cat([comp_vec, fault_vec, self.dist_emb(buckets)], dim=-1)  # (B, 2H + D)
        return self.out(feats)  # (B, 2)


def main():
    accelerator = Accelerator(cpu=True)
    tok = make_tokenizer(LOGS)
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)
    model = FaultRelationModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    loader = DataLoader(LOGS, batch_size=3, shuffle=False, collate_fn=partial(collate, tokenizer=tok))
    model, opt, loader = accelerator.prepare(model, opt, loader)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for epoch in range(2):
        for step, batch in enumerate(loader):
            assert batch.enc["input_ids"].shape == batch.enc["attention_mask"].shape
            assert batch.enc["input_ids"].size(1) <= config.max_position_embeddings
            logits = model(batch)  # (B, 2)
            assert logits.shape[0] == batch.target.shape[0]
            loss = loss_fn(logits, batch.target)
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
            accelerator.print(f"epoch {epoch} step {step} loss {loss.item():.4f}")
    accelerator.print("done")


if __name__ == "__main__":
    main()
