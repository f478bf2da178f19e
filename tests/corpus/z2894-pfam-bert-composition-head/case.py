"""famclf: protein family classification from a tiny BERT embedding plus residue composition."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class AminoAcid(Enum):
    A = "Ala"; R = "Arg"; N = "Asn"; D = "Asp"; C = "Cys"
    Q = "Gln"; E = "Glu"; G = "Gly"; H = "His"; I = "Ile"
    L = "Leu"; K = "Lys"; M = "Met"; F = "Phe"; P = "Pro"
    S = "Ser"; T = "Thr"; W = "Trp"; Y = "Tyr"; V = "Val"
    B = "Asx"; Z = "Glx"; X = "Xaa"; U = "Sec"; O = "Pyl"


STANDARD: Tuple[str, ...] = tuple(aa.name for aa in AminoAcid)[:20]
FAMILIES: Tuple[str, ...] = ("kinase", "globin", "zinc_finger", "abc_transporter")


@dataclass
class FamilyRunConfig:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    max_len: int = 72
    head_width: int = 64
    dropout: float = 0.1
    batch_size: int = 8
    n_per_family: int = 24
    epochs: int = 2
    lr: float = 5e-4
    seed: int = 2024
    head: str = "concat-mlp"


HEADS: Dict[str, Callable[[FamilyRunConfig, int], nn.Module]] = {}


def register_head(name: str):
    def _inner(fn):
        HEADS[name] = fn
        return fn
    return _inner


def residue_vocab_file(folder: str) -> str:
    path = os.path.join(folder, "aa_vocab.txt")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [aa.name for aa in AminoAcid]
    with open(path, "w") as fh:
        fh.writelines(t + "\n" for t in tokens)
    return path


def composition(seq: str) -> np.ndarray:
    counts = np.array([seq.count(r) for r in STANDARD], dtype=np.float32)
    return counts / max(len(seq), 1)


def synth_family_sequences(cfg: FamilyRunConfig) -> List[Tuple[str, int]]:
    rng = np.random.default_rng(cfg.seed)
    records = []
    for fam_idx, _ in enumerate(FAMILIES):
        profile = rng.dirichlet(np.full(len(STANDARD), 0.6))
        for _ in range(cfg.n_per_family):
            length = int(rng.integers(30, cfg.max_len))
            seq = "".join(rng.choice(STANDARD, size=length, p=profile))
            if rng.random() < 0.2:
                seq = seq[:5] + "X" + seq[6:]
            records.append((seq, fam_idx))
    rng.shuffle(records)
    return records


def make_collate(tokenizer: BertTokenizer, max_len: int):
    def collate(batch: Sequence[Tuple[str, int]]) -> Dict[str, torch.Tensor]:
        seqs = [s for s, _ in batch]
        enc = tokenizer([" ".join(s) for s in seqs], padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["composition"] = torch.from_numpy(np.stack([composition(s) for s in seqs]))
        enc["family"] = torch.tensor([y for _, y in batch])
        return dict(enc)
    return collate


@register_head("concat-mlp")
def concat_mlp(cfg: FamilyRunConfig, n_classes: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(cfg.hidden + len(AminoAcid), cfg.head_width),
        nn.ReLU(),
        nn.Dropout(cfg.dropout),
        nn.Linear(cfg.head_width, n_classes),
    )


class FamilyClassifier(nn.Module):
    def __init__(self, cfg: FamilyRunConfig, vocab_size: int):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden,
                              num_hidden_layers=cfg.layers, num_attention_heads=cfg.heads,
                              intermediate_size=2 * cfg.hidden,
                              max_position_embeddings=cfg.max_len + 8)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = HEADS[cfg.head](cfg, len(FAMILIES))

    def forward(self, input_ids, attention_mask, composition, token_type_ids=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(torch.cat([pooled, composition], dim=-1))


def main() -> None:
    cfg = FamilyRunConfig()
    torch.manual_seed(cfg.seed)
    scratch = tempfile.mkdtemp(prefix="famclf_")
    try:
        tokenizer = BertTokenizer(residue_vocab_file(scratch), do_lower_case=False)
        records = synth_family_sequences(cfg)
        cut = int(0.75 * len(records))
        collate = make_collate(tokenizer, cfg.max_len)
        train_dl = DataLoader(records[:cut], batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
        test_dl = DataLoader(records[cut:], batch_size=cfg.batch_size, collate_fn=collate)

        model = FamilyClassifier(cfg, tokenizer.vocab_size)
        optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
        criterion = nn.CrossEntropyLoss()
        for epoch in range(cfg.epochs):
            model.train()
            for batch in train_dl:
                target = batch.pop("family")
                loss = criterion(model(**batch), target)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            model.eval()
            hits = total = 0
            with torch.no_grad():
                for batch in test_dl:
                    target = batch.pop("family")
                    hits += (model(**batch).argmax(-1) == target).sum().item()
                    total += target.numel()
            print(f"epoch {epoch}: last loss {loss.item():.3f}, test acc {hits / total:.3f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
