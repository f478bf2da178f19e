"""Duplicate detection for library catalogue records (Lightning).

Two MARC-ish records are shown to the model as a pair; it predicts whether
they describe the same edition. Profiles let us compare title-only matching
against title + imprint pairs.
"""
import os
import re
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import yaml
import lightning as L
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

PROFILES_YAML = """
defaults: &defaults
  model:
    hidden: 32
    layers: 1
    heads: 2
    ffn: 64
    positions: 64
    type_vocab_size: 1
    max_len: 48
  loader:
    batch_size: 4
    use_pairs: false
  lr: 2.0e-3

title_only:
  <<: *defaults

title_and_imprint:
  <<: *defaults
  loader:
    batch_size: 4
    use_pairs: true
"""
PROFILE_NAME = "title_and_imprint"

RECORDS = [
    ("the voyage of the beagle", "london : john murray , 1839", "voyage of the beagle", "london : murray , 1839", 1),
    ("the voyage of the beagle", "london : john murray , 1839", "voyage of the beagle", "new york : harper , 1846", 0),
    ("flora of the british isles", "cambridge university press , 1952", "flora of the british isles", "cambridge : cup , 1952", 1),
    ("flora of the british isles", "cambridge university press , 1952", "flora of the british isles", "cambridge : cup , 1962", 0),
    ("a history of the peninsular war", "oxford : clarendon , 1902", "history of the peninsular war", "oxford : clarendon press , 1902", 1),
    ("a history of the peninsular war", "oxford : clarendon , 1902", "the peninsular war", "london : penguin , 2001", 0),
    ("birds of the himalaya", "calcutta : thacker , 1888", "birds of the himalaya", "calcutta : thacker spink , 1888", 1),
    ("birds of the himalaya", "calcutta : thacker , 1888", "birds of india", "london : taylor , 1888", 0),
]


@dataclass
class RecordPair:
    left: str
    right: str
    same: int


def build_pairs(rows, use_pairs):
    out = []
    for t1, imp1, t2, imp2, same in rows:
        if use_pairs:
            out.append(RecordPair(f"{t1} {imp1}", f"{t2} {imp2}", same))
        else:
            out.append(RecordPair(t1, t2, same))
    return out


class PairSet(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        return self.pairs[idx]


def make_collate(tokenizer, max_len, use_pairs):
    def collate(items):
        if use_pairs:
            enc = tokenizer([p.left for p in items], [p.right for p in items],
                            padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        else:
            joined = [f"{p.left} ; {p.right}" for p in items]
            enc = tokenizer(joined, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["target"] = torch.tensor([p.same for p in items], dtype=torch.float)
        return dict(enc)
    return collate


class DedupModel(L.LightningModule):
    def __init__(self, bert_config, lr):
        super().__init__()
        self.encoder = BertModel(bert_config)
        self.scorer = nn.Linear(bert_config.hidden_size, 1)
        self.lr = lr
        self.loss_fn = nn.BCEWithLogitsLoss()

    def forward(self, **enc):
        hidden = self.encoder(**enc).last_hidden_state
        return self.scorer(hidden[:, 0]).squeeze(-1)

    def training_step(self, batch, batch_idx):
        target = batch.pop("target")
        loss = self.loss_fn(self(**batch), target)
        print(f"  batch {batch_idx}: loss={loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def write_vocab(pairs):
    words = sorted({w for p in pairs for w in re.findall(r"\w+|[^\w\s]", f"{p.left} {p.right}")} | {";"})
    d = tempfile.mkdtemp(prefix="catdedup_")
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return os.path.join(d, "vocab.txt")


def main():
    L.seed_everything(7, verbose=False)
    profile = yaml.safe_load(PROFILES_YAML)[PROFILE_NAME]
    print(f"profile {PROFILE_NAME}: pairs={profile['loader']['use_pairs']}")

    pairs = build_pairs(RECORDS, profile["loader"]["use_pairs"])
    tok = BertTokenizer(write_vocab(pairs))
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=profile["model"]["hidden"],
        num_hidden_layers=profile["model"]["layers"],
        num_attention_heads=profile["model"]["heads"],
        intermediate_size=profile["model"]["ffn"],
        max_position_embeddings=profile["model"]["positions"],
        type_vocab_size=profile["model"]["type_vocab_size"],
    )
    loader = DataLoader(PairSet(pairs), batch_size=profile["loader"]["batch_size"], shuffle=True,
                        collate_fn=make_collate(tok, profile["model"]["max_len"],
                                                profile["loader"]["use_pairs"]))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(DedupModel(cfg, profile["lr"]), train_dataloaders=loader)
    print("finished")


if __name__ == "__main__":
    main()
