"""LoRA fine-tuning of a small BERT on ship engine-room log entries (Lightning)."""
import math
import os
import tempfile
import warnings

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")
L.seed_everything(11, verbose=False)

ENTRIES = [
    ("main engine cylinder 3 exhaust temperature high alarm at 0230", "urgent"),
    ("changed lube oil filter on generator 2 routine", "routine"),
    ("bilge alarm engine room aft flooding suspected", "urgent"),
    ("topped up hydraulic oil steering gear tank", "routine"),
    ("fuel oil purifier tripped sludge discharge failure", "urgent"),
    ("cleaned sea water strainer starboard cooling pump", "routine"),
    ("turbocharger surging at full load vibration heavy", "urgent"),
    ("weekly test of emergency generator ok", "routine"),
]
CLASSES = sorted({c for _, c in ENTRIES})

MODEL_DEFAULTS = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=64)
ADAPTER_DEFAULTS = dict(rank=4, alpha=8, dropout=0.0, targets=("query", "value"))
LOADER_DEFAULTS = dict(batch_size=4, shuffle=True)
TRAINER_DEFAULTS = dict(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank, alpha, dropout):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / rank
        self.drop = nn.Dropout(dropout)

    def delta_weight(self):
        return self.lora_A @ self.lora_B

    def forward(self, x):
        return self.base(x) + F.linear(self.drop(x), self.delta_weight()) * self.scaling


def inject_adapters(model, targets, **lora_kwargs):
    swapped = []
    for name, module in list(model.named_modules()):
        for attr in targets:
            child = getattr(module, attr, None)
            if isinstance(child, nn.Linear):
                setattr(module, attr, LoRALinear(child, **lora_kwargs))
                swapped.append(f"{name}.{attr}")
    return swapped


class LogUrgency(L.LightningModule):
    def __init__(self, vocab_size, model_kwargs, adapter_kwargs):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, **model_kwargs))
        for p in self.encoder.parameters():
            p.requires_grad_(False)
        swapped = inject_adapters(self.encoder, **adapter_kwargs)
        print(f"adapters on {len(swapped)} projections: {swapped}")
        self.classifier = nn.Linear(model_kwargs["hidden_size"], len(CLASSES))

    def training_step(self, batch, batch_idx):
        gold = batch.pop("urgency")
        pooled = self.encoder(**batch).pooler_output
        loss = F.cross_entropy(self.classifier(pooled), gold)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        trainable = [p for p in self.parameters() if p.requires_grad]
        return torch.optim.AdamW(trainable, lr=1e-3)


def make_collate(tokenizer, tok_kwargs):
    def collate(rows):
        enc = tokenizer([t for t, _ in rows], **tok_kwargs)
        enc["urgency"] = torch.tensor([CLASSES.index(c) for _, c in rows])
        return dict(enc)
    return collate


def main(overrides=None):
    overrides = overrides or {}
    model_kwargs = {**MODEL_DEFAULTS, **overrides.get("model", {})}
    adapter_kwargs = {**ADAPTER_DEFAULTS, **overrides.get("adapter", {})}
    loader_kwargs = {**LOADER_DEFAULTS, **overrides.get("loader", {})}
    tok_kwargs = dict(padding=True, return_tensors="pt")

    tokenizer = BertTokenizer(write_vocab([t for t, _ in ENTRIES]))
    module = LogUrgency(len(tokenizer), model_kwargs, adapter_kwargs)
    loader = DataLoader(ENTRIES, collate_fn=make_collate(tokenizer, tok_kwargs), **loader_kwargs)
    trainer = L.Trainer(**TRAINER_DEFAULTS)
    trainer.fit(module, train_dataloaders=loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main({"adapter": {"rank": 4, "alpha": 16}})
