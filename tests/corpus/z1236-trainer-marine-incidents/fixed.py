"""Classify short maritime incident reports with a small BERT-style encoder.

The architecture is described as a list of layer specs so that we can try
different shapes from the command line later without touching the model code.
"""
import logging
import os
import tempfile

import torch
from torch import nn
from transformers import (BertConfig, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)
from transformers.models.bert.modeling_bert import BertEmbeddings, BertEncoder

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("incidents")
torch.manual_seed(7)

ARCH = [
    {"type": "embed", "dim": 32, "positions": 64},
    {"type": "encoder", "layers": 1, "heads": 2},
    {"type": "pool", "mode": "mean"},
    {"type": "linear", "out": 5},
]
DATA = {"max_len": 32, "batch_size": 4, "epochs": 1, "lr": 3e-4}

INCIDENT_TYPES = ["collision", "grounding", "machinery", "fire", "pollution"]
REPORTS = [
    ("vessel struck the pier while berthing in strong crosswind", "collision"),
    ("bulk carrier touched bottom outside the marked channel at low water", "grounding"),
    ("main engine lost lube oil pressure and was stopped", "machinery"),
    ("smoke reported in the galley extinguished by crew", "fire"),
    ("oil sheen observed astern after bunkering operation", "pollution"),
    ("two fishing boats made contact in fog near the harbour entrance", "collision"),
    ("ferry ran aground on a sandbank after steering failure", "grounding"),
    ("generator tripped causing blackout in the engine room", "machinery"),
    ("fire in the engine room put out by fixed co2 system", "fire"),
    ("bilge water discharged overboard inside the port limits", "pollution"),
    ("tug collided with the barge during towing", "collision"),
    ("steering gear pump failed during river passage", "machinery"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class MeanPool(nn.Module):
    def forward(self, hidden, attn):
        w = attn.unsqueeze(-1).to(hidden.dtype)
        return (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)


class SpecClassifier(nn.Module):
    def __init__(self, arch, vocab_size):
        super().__init__()
        self.blocks = nn.ModuleList()
        width, positions = 64, 128
        for spec in arch:
            width = spec.get("dim", width)
            positions = spec.get("positions", positions)
            cfg = BertConfig(vocab_size=vocab_size, hidden_size=width,
                             num_hidden_layers=spec.get("layers", 1),
                             num_attention_heads=spec.get("heads", 2),
                             intermediate_size=2 * width,
                             max_position_embeddings=positions)
            if spec["type"] == "embed":
                self.blocks.append(BertEmbeddings(cfg))
            elif spec["type"] == "encoder":
                self.blocks.append(BertEncoder(cfg))
            elif spec["type"] == "pool":
                self.blocks.append(MeanPool())
            elif spec["type"] == "linear":
                self.blocks.append(nn.Linear(width, spec["out"]))
                width = spec["out"]
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        h = input_ids
        for block in self.blocks:
            if isinstance(block, BertEmbeddings):
                h = block(input_ids=h, token_type_ids=token_type_ids)
            elif isinstance(block, BertEncoder):
                ext = (1.0 - attention_mask[:, None, None, :].float()) * -1e4
                h = block(h, attention_mask=ext).last_hidden_state
            elif isinstance(block, MeanPool):
                h = block(h, attention_mask)
            else:
                h = block(h)
        out = {"logits": h}
        if labels is not None:
            out["loss"] = self.loss_fn(h, labels)
        return out


class ReportSet(torch.utils.data.Dataset):
    def __init__(self, rows, tok):
        self.rows, self.tok = rows, tok
        self.label_of = {name: i for i, name in enumerate(INCIDENT_TYPES)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, kind = self.rows[i]
        enc = self.tok(text, truncation=True, max_length=DATA["max_len"])
        enc["labels"] = self.label_of[kind]
        return enc


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in REPORTS]))
    model = SpecClassifier(ARCH, vocab_size=tok.vocab_size)
    log.info("model has %d parameters", sum(p.numel() for p in model.parameters()))
    train_set = ReportSet(REPORTS, tok)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), per_device_train_batch_size=DATA["batch_size"],
        num_train_epochs=DATA["epochs"], learning_rate=DATA["lr"], logging_steps=1,
        save_strategy="no", disable_tqdm=True, report_to=[], use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_set,
                      data_collator=DataCollatorWithPadding(tok))
    result = trainer.train()
    log.info("final training loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
