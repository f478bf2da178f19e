"""Fine-tune a small BERT to route maritime incident reports to the right desk.

Settings live in the YAML block below so the same script can be pointed at the
severity triage task or the incident-type routing task.
"""
import logging
import re
import tempfile
import types

import torch
import yaml
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainerCallback, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("incident-router")

SETTINGS = """
heads:
  severity: &sev_head
    num_labels: 3
    classes: [minor, serious, very_serious]
  incident: &inc_head
    num_labels: 5
    classes: [collision, grounding, fire, machinery, man_overboard]

model:
  <<: *sev_head
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  max_position_embeddings: 64

data:
  target: incident_type
  max_len: ${model.max_position_embeddings}

train:
  out_dir: ${run.root}/checkpoints
  epochs: 1
  batch_size: 4
  lr: 5.0e-4
run:
  root: /tmp/incident-router
  seed: 11
"""

_REF = re.compile(r"\$\{([\w]+)\.([\w]+)\}")


def interpolate(tree, root=None):
    root = tree if root is None else root
    if isinstance(tree, dict):
        return {k: interpolate(v, root) for k, v in tree.items()}
    if isinstance(tree, list):
        return [interpolate(v, root) for v in tree]
    if isinstance(tree, str):
        whole = _REF.fullmatch(tree)
        if whole:
            return root[whole.group(1)][whole.group(2)]
        return _REF.sub(lambda m: str(root[m.group(1)][m.group(2)]), tree)
    return tree


def to_ns(obj):
    if isinstance(obj, dict):
        return types.SimpleNamespace(**{k: to_ns(v) for k, v in obj.items()})
    return obj


REPORTS = [
    ("vessel struck the pier while berthing in heavy wind", "collision", "serious"),
    ("ferry ran aground on sandbank after steering loss", "grounding", "very_serious"),
    ("small fire in galley extinguished by crew", "fire", "minor"),
    ("main engine stopped due to fuel filter blockage", "machinery", "minor"),
    ("deckhand fell overboard during mooring and was recovered", "man_overboard", "serious"),
    ("two fishing boats collided in fog near the harbour", "collision", "serious"),
    ("tanker touched bottom in channel no damage found", "grounding", "minor"),
    ("engine room fire spread to cable trays", "fire", "very_serious"),
]


def build_tokenizer(workdir):
    words = sorted({w for text, _, _ in REPORTS for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = f"{workdir}/vocab.txt"
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class IncidentDataset(Dataset):
    def __init__(self, rows, tokenizer, classes, target, max_len):
        self.rows = rows
        self.tok = tokenizer
        self.class_to_id = {c: i for i, c in enumerate(classes)}
        self.column = 1 if target == "incident_type" else 2
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        enc = self.tok(row[0], padding="max_length", truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.class_to_id[row[self.column]])
        return item


class LossPrinter(TrainerCallback):
    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            log.info("step %d loss %.4f", state.global_step, logs["loss"])


def main():
    cfg = to_ns(interpolate(yaml.safe_load(SETTINGS)))
    torch.manual_seed(cfg.run.seed)
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)

    classes = cfg.heads.incident.classes if cfg.data.target == "incident_type" else cfg.heads.severity.classes
    train_set = IncidentDataset(REPORTS, tokenizer, classes, cfg.data.target, cfg.data.max_len)
    log.info("target=%s classes=%s", cfg.data.target, classes)

    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=cfg.model.hidden_size,
                          num_hidden_layers=cfg.model.num_hidden_layers,
                          num_attention_heads=cfg.model.num_attention_heads,
                          intermediate_size=cfg.model.intermediate_size,
                          max_position_embeddings=cfg.model.max_position_embeddings,
                          num_labels=cfg.model.num_labels)
    model = BertForSequenceClassification(bert_cfg)

    args = TrainingArguments(output_dir=workdir + "/out", num_train_epochs=cfg.train.epochs,
                             per_device_train_batch_size=cfg.train.batch_size,
                             learning_rate=cfg.train.lr, logging_steps=1, save_strategy="no",
                             use_cpu=True, disable_tqdm=True, report_to=[], seed=cfg.run.seed)
    trainer = Trainer(model=model, args=args, train_dataset=train_set, callbacks=[LossPrinter()])
    result = trainer.train()
    log.info("finished: %s", result.metrics)


if __name__ == "__main__":
    main()
