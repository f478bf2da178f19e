"""Nightly fine-tune of the adverse-event severity grader used by the pharmacovigilance intake queue."""
import json
import logging
import os
import re
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(name)s | %(message)s")
logger = logging.getLogger("ae-grader.train")

JOB_CONFIG = json.loads("""
{
  "labels": {"field": "severity", "grades": ["1", "2", "3", "4", "5"]},
  "model": {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
            "intermediate_size": 64, "max_position_embeddings": 64},
  "train": {"lr": 3e-4, "epochs": 2, "batch_size": 4, "max_len": 32}
}
""")

WORDS = ("rash mild nausea vomiting grade fever neutropenia hospitalised hospitalized death "
         "sepsis elevated alt ast liver injury headache fatigue severe after dose day patient "
         "reported required intervention transfusion cardiac arrest resolved without").split()

REPORTS = [
    {"narrative": "mild rash after dose resolved without intervention", "severity": "Grade 1"},
    {"narrative": "patient reported nausea and vomiting day 3", "severity": "Grade 2"},
    {"narrative": "febrile neutropenia patient hospitalised", "severity": "Grade 3"},
    {"narrative": "sepsis after dose fatal outcome death", "severity": "Grade 5"},
    {"narrative": "elevated alt ast liver injury required transfusion", "severity": "Grade 4"},
    {"narrative": "headache and fatigue day 2", "severity": "Grade 1"},
    {"narrative": "cardiac arrest death on day 9", "severity": "Grade 5"},
    {"narrative": "severe vomiting required intervention", "severity": "Grade 3"},
]

REGISTRY = {}
REGISTRY["tokenizer"] = lambda d: _write_vocab_and_load(d)
REGISTRY["classifier"] = lambda mcfg, n: BertForSequenceClassification(BertConfig(num_labels=n, **mcfg))
REGISTRY["optimizer"] = lambda params, lr: torch.optim.AdamW(params, lr=lr)


def _write_vocab_and_load(workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
    return BertTokenizer(path)


class NarrativeEncoder:
    def __init__(self, tokenizer, max_len):
        self.tokenizer, self.max_len = tokenizer, max_len

    def __call__(self, batch):
        texts = [r["narrative"] for r in batch["records"]]
        batch["features"] = self.tokenizer(texts, padding="longest", truncation=True,
                                           max_length=self.max_len, return_tensors="pt")
        return batch


class SeverityTargets:
    """Turns the free-text 'Grade N' field from the safety DB into class ids."""
    pattern = re.compile(r"grade\s*(\d)", re.IGNORECASE)

    def __init__(self, field, grades):
        self.field, self.grades = field, grades

    def __call__(self, batch):
        ids = []
        for rec in batch["records"]:
            m = self.pattern.search(rec[self.field])
            ids.append(int(m.group(1)))
        batch["targets"] = torch.tensor(ids, dtype=torch.long)
        return batch


class OptimStep:
    def __init__(self, model, optimizer):
        self.model, self.optimizer = model, optimizer

    def __call__(self, batch):
        out = self.model(**batch["features"], labels=batch["targets"])
        self.optimizer.zero_grad()
        out.loss.backward()
        self.optimizer.step()
        batch["loss"] = out.loss.item()
        return batch


class Pipeline:
    def __init__(self, steps):
        self.steps = list(steps)

    def __call__(self, batch):
        for step in self.steps:
            batch = step(batch)
        return batch


def chunks(rows, size):
    for start in range(0, len(rows), size):
        yield {"records": rows[start:start + size]}


def main():
    torch.manual_seed(2024)
    cfg = JOB_CONFIG
    tokenizer = REGISTRY["tokenizer"](tempfile.mkdtemp(prefix="ae-grader-"))
    grades = cfg["labels"]["grades"]
    model = REGISTRY["classifier"](cfg["model"], len(grades))
    model.config.id2label = {i: f"grade_{g}" for i, g in enumerate(grades)}
    optimizer = REGISTRY["optimizer"](model.parameters(), cfg["train"]["lr"])

    pipe = Pipeline([
        NarrativeEncoder(tokenizer, cfg["train"]["max_len"]),
        SeverityTargets(cfg["labels"]["field"], grades),
        OptimStep(model, optimizer),
    ])
    model.train()
    for epoch in range(cfg["train"]["epochs"]):
        losses = [pipe(b)["loss"] for b in chunks(REPORTS, cfg["train"]["batch_size"])]
        logger.info("epoch %d mean loss %.4f over %d batches", epoch, sum(losses) / len(losses), len(losses))
    logger.info("grader retrained on %d reports", len(REPORTS))


if __name__ == "__main__":
    main()
