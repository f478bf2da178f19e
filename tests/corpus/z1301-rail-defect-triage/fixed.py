# Severity triage for track inspection notes, weighted CE so rare severe classes count more.
import os
import re
import tempfile
from types import SimpleNamespace

import torch
import torch.nn.functional as F
import yaml
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

RAW_CFG = """
shared: &base
  seed: 3
  class_weights: [0.6, 1.0, 1.8, 3.0, 4.0]
  max_len: 24
model:
  <<: *base
  severities: [cosmetic, minor, moderate, severe, critical]
  hidden: 32
  heads: 2
data:
  <<: *base
  vocab_file: ${paths.scratch}/vocab.txt
train:
  <<: *base
  output_dir: ${paths.scratch}/runs
  batch_size: 4
  epochs: 2
  lr: 3.0e-4
"""

NOTES = [
    ("paint flaking on signal post", "cosmetic"),
    ("graffiti on lineside cabinet", "cosmetic"),
    ("loose bolt on fishplate joint", "minor"),
    ("vegetation touching cable trough", "minor"),
    ("ballast shoulder thin near crossing", "moderate"),
    ("wet bed pumping under sleeper", "moderate"),
    ("cracked sleeper two in a row", "severe"),
    ("gauge spread measured at curve", "severe"),
    ("broken rail head at weld", "critical"),
    ("rail head missing piece at crossing", "critical"),
    ("drainage blocked near cutting", "moderate"),
    ("missing clip on three sleepers", "severe"),
]


def resolve(tree, root=None):
    root = tree if root is None else root
    if isinstance(tree, dict):
        return {k: resolve(v, root) for k, v in tree.items()}
    if isinstance(tree, list):
        return [resolve(v, root) for v in tree]
    if isinstance(tree, str) and "${" in tree:
        return re.sub(r"\$\{([^.}]+)\.([^}]+)\}", lambda m: str(root[m[1]][m[2]]), tree)
    return tree


def namespace(tree):
    if isinstance(tree, dict):
        return SimpleNamespace(**{k: namespace(v) for k, v in tree.items()})
    return tree


class NoteSet(torch.utils.data.Dataset):
    def __init__(self, rows, tok, sev_index, max_len):
        self.enc = [tok(text, truncation=True, max_length=max_len) for text, _ in rows]
        self.ys = [sev_index[sev] for _, sev in rows]

    def __len__(self):
        return len(self.ys)

    def __getitem__(self, i):
        return {**self.enc[i], "labels": self.ys[i]}


class WeightedTrainer(Trainer):
    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = torch.tensor(class_weights, dtype=torch.float)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        out = model(**inputs)
        per_note = F.cross_entropy(out.logits, gold, reduction="none")
        w = self.class_weights.to(per_note.device).index_select(0, gold)
        loss = (per_note * w).sum() / w.sum()
        return (loss, out) if return_outputs else loss


def main():
    raw = yaml.safe_load(RAW_CFG)
    raw["paths"] = {"scratch": tempfile.mkdtemp(prefix="railtriage-")}
    cfg = namespace(resolve(raw))
    torch.manual_seed(cfg.train.seed)

    words = sorted({w for text, _ in NOTES for w in text.split()})
    with open(cfg.data.vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(cfg.data.vocab_file)
    sev_index = {s: i for i, s in enumerate(cfg.model.severities)}
    print(f"{len(NOTES)} notes, {len(sev_index)} severities, vocab {tok.vocab_size}")

    bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=cfg.model.hidden, num_hidden_layers=1,
                          num_attention_heads=cfg.model.heads, intermediate_size=64,
                          max_position_embeddings=64, num_labels=len(sev_index))
    model = BertForSequenceClassification(bert_cfg)

    args = TrainingArguments(output_dir=cfg.train.output_dir, per_device_train_batch_size=cfg.train.batch_size,
                             num_train_epochs=cfg.train.epochs, learning_rate=cfg.train.lr, save_strategy="no",
                             logging_steps=2, report_to="none", use_cpu=True, seed=cfg.train.seed)
    trainer = WeightedTrainer(model=model, args=args,
                              train_dataset=NoteSet(NOTES, tok, sev_index, cfg.data.max_len),
                              data_collator=DataCollatorWithPadding(tok),
                              class_weights=cfg.train.class_weights)
    result = trainer.train()
    print("final train loss", round(result.training_loss, 4))
    os.makedirs(cfg.train.output_dir, exist_ok=True)
    trainer.save_model(cfg.train.output_dir)


if __name__ == "__main__":
    main()
