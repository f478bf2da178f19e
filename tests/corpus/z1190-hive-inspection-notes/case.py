"""Classify apiary inspection notes into colony status with a small BERT + Lightning."""
import ast
import os
import tempfile

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class AttrDict(dict):
    def __getattr__(self, name):
        if name in self:
            return self[name]
        raise AttributeError(f"no setting named {name!r}")

    def __setattr__(self, name, value):
        self[name] = AttrDict(value) if isinstance(value, dict) else value


def defaults():
    return {
        "model": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "max_positions": 64, "dropout": 0.1},
        "data": {"max_len": 48, "batch_size": 4},
        "trainer": {"lr": 3e-4, "seed": 2024},
    }


def coerce(raw):
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw


def apply_overrides(tree, overrides):
    for line in overrides:
        key, _, raw = line.partition("=")
        patch = coerce(raw)
        for part in reversed(key.split(".")):
            patch = {part: patch}
        tree = recursive_merge(tree, patch)
    return tree


def recursive_merge(left, right):
    merged = {**left}
    for k, v in right.items():
        merged[k] = recursive_merge(merged[k], v) if isinstance(v, dict) and k in merged else v
    return merged


def attrify(node):
    return AttrDict({k: attrify(v) for k, v in node.items()}) if isinstance(node, dict) else node


STATUS = ["queenright", "queenless", "swarm_prep"]
NOTES = [
    ("eggs and young larvae seen on three frames calm brood pattern", 0),
    ("queen spotted on frame four capped brood solid", 0),
    ("no eggs no young larvae bees roaring when opened", 1),
    ("laying workers suspected multiple eggs per cell", 1),
    ("several queen cups charged with royal jelly near bottom bars", 2),
    ("capped swarm cells on two frames colony very crowded", 2),
    ("steady nectar flow new comb drawn queen seen", 0),
    ("emergency cells in the middle of frame no eggs", 1),
]


def make_tokenizer():
    words = sorted({w for text, _ in NOTES for w in text.split()})
    folder = tempfile.mkdtemp(prefix="apiary_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


class InspectionData(L.LightningDataModule):
    def __init__(self, tokenizer, settings):
        super().__init__()
        self.tokenizer = tokenizer
        self.settings = settings

    def _collate(self, rows):
        texts, status = zip(*rows)
        enc = self.tokenizer(list(texts), padding="max_length", truncation=True,
                             max_length=self.settings.max_len, return_tensors="pt")
        return dict(enc), torch.tensor(status)

    def train_dataloader(self):
        return DataLoader(NOTES, batch_size=self.settings.batch_size, shuffle=True, collate_fn=self._collate)


class ColonyClassifier(L.LightningModule):
    def __init__(self, vocab_size, m, lr):
        super().__init__()
        self.encoder = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=m.hidden, num_hidden_layers=m.layers,
            num_attention_heads=m.heads, intermediate_size=m.ffn,
            max_position_embeddings=m.max_positions, hidden_dropout_prob=m.dropout))
        self.head = nn.Linear(m.hidden, len(STATUS))
        self.lr = lr

    def forward(self, enc):
        pooled = self.encoder(**enc).pooler_output
        return self.head(pooled)

    def training_step(self, batch, batch_idx):
        enc, status = batch
        loss = nn.functional.cross_entropy(self(enc), status)
        print(f"batch {batch_idx}: loss={loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def main():
    overrides = ["model.hidden=48", "data.max_len=96", "trainer.lr=0.0005"]
    cfg = attrify(apply_overrides(defaults(), overrides))
    L.seed_everything(cfg.trainer.seed, verbose=False)
    print("effective settings:", cfg)

    tokenizer = make_tokenizer()
    data = InspectionData(tokenizer, cfg.data)
    model = ColonyClassifier(len(tokenizer), cfg.model, cfg.trainer.lr)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, datamodule=data)
    print("finished at epoch", trainer.current_epoch)


if __name__ == "__main__":
    main()
