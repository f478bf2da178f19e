"""Hive-condition classifier for apiary inspection notes (HF Trainer + label smoothing)."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import BertTokenizer, Trainer, TrainingArguments
from transformers.utils import logging as hf_logging

hf_logging.set_verbosity_error()
torch.manual_seed(21)

ARCH = [
    {"type": "embed", "dim": 32},
    {"type": "encoder", "layers": 1, "heads": 4},
    {"type": "pool", "mode": "mean"},
    {"type": "dropout", "p": 0.1},
    {"type": "linear", "out": 6},
]
DATA = {"max_len": 32, "batch_size": 6, "smoothing": 0.1}
CONDITIONS = ["healthy", "queenless", "varroa", "chalkbrood", "swarming", "starving"]

NOTES = [
    ("brood pattern solid eggs seen queen spotted on frame four", 0),
    ("no eggs no young larvae emergency queen cells drawn", 1),
    ("mite drop count high deformed wings on several workers", 2),
    ("mummified larvae white and grey at hive entrance", 3),
    ("many swarm cells along bottom bars colony crowded", 4),
    ("stores nearly empty bees clustered on last frame of honey", 5),
    ("calm colony good stores capped brood across six frames", 0),
    ("workers laying drone brood scattered pattern no queen", 1),
    ("sugar roll shows twelve mites per hundred bees", 2),
    ("chalky larvae removed by workers damp hive", 3),
    ("queen cups charged with royal jelly bees bearding", 4),
    ("light hive weight no nectar flow feeding needed", 5),
]


class NoteSet(Dataset):
    def __init__(self, rows, tok):
        self.enc = tok([t for t, _ in rows], padding="max_length", truncation=True,
                       max_length=DATA["max_len"], return_tensors="pt")
        self.gold = torch.tensor([y for _, y in rows])

    def __len__(self):
        return len(self.gold)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i], "attention_mask": self.enc["attention_mask"][i],
                "labels": self.gold[i]}


class SpecClassifier(nn.Module):
    def __init__(self, specs, vocab_size):
        super().__init__()
        self.specs, self.blocks = specs, nn.ModuleList()
        width = 128
        for spec in specs:
            width = spec.get("dim", width)
            if spec["type"] == "embed":
                self.blocks.append(nn.Embedding(vocab_size, width, padding_idx=0))
            elif spec["type"] == "encoder":
                enc_layer = nn.TransformerEncoderLayer(width, spec["heads"], width * 4, batch_first=True)
                self.blocks.append(nn.TransformerEncoder(enc_layer, spec["layers"], enable_nested_tensor=False))
            elif spec["type"] == "pool":
                self.blocks.append(nn.Identity())
            elif spec["type"] == "dropout":
                self.blocks.append(nn.Dropout(spec["p"]))
            elif spec["type"] == "linear":
                self.blocks.append(nn.Linear(width, spec["out"]))
                width = spec["out"]

    def forward(self, input_ids, attention_mask, labels=None):
        h, valid = input_ids, attention_mask.bool()
        for spec, block in zip(self.specs, self.blocks):
            if spec["type"] == "encoder":
                h = block(h, src_key_padding_mask=~valid)
            elif spec["type"] == "pool":
                w = valid.unsqueeze(-1).float()
                h = (h * w).sum(1) / w.sum(1)
            else:
                h = block(h)
        return {"logits": h}


def smoothed_targets(gold, n_classes, eps):
    soft = torch.full((gold.size(0), n_classes), eps / (n_classes - 1), device=gold.device)
    return soft.scatter_(1, gold.unsqueeze(1), 1.0 - eps)


class SmoothedTrainer(Trainer):
    def __init__(self, *args, num_classes, smoothing, **kwargs):
        super().__init__(*args, **kwargs)
        self.num_classes, self.smoothing = num_classes, smoothing

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        out = model(**inputs)
        target = smoothed_targets(gold, self.num_classes, self.smoothing)
        loss = -(target * F.log_softmax(out["logits"], dim=-1)).sum(-1).mean()
        return (loss, out) if return_outputs else loss


def main():
    words = sorted({w for t, _ in NOTES for w in t.split()})
    vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_file)

    train_set = NoteSet(NOTES, tok)
    model = SpecClassifier(ARCH, tok.vocab_size)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=DATA["batch_size"],
                             num_train_epochs=3, learning_rate=2e-3, logging_steps=2, save_strategy="no",
                             report_to=[], use_cpu=True, seed=21, disable_tqdm=True)
    trainer = SmoothedTrainer(model=model, args=args, train_dataset=train_set,
                              num_classes=len(ARCH), smoothing=DATA["smoothing"])
    result = trainer.train()
    print("train loss:", round(result.training_loss, 4))

    model.eval()
    with torch.no_grad():
        batch = train_set[:4]
        logits = model(batch["input_ids"], batch["attention_mask"])["logits"]
    print([CONDITIONS[i] for i in logits.argmax(-1).tolist()])


if __name__ == "__main__":
    main()
