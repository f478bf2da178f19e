"""Rolling-stock defect triage: predict faulty component and urgency from driver reports.

One tiny BERT encoder, one head per task, HF Trainer for the loop, per-task
confusion matrices in the eval metrics for the fleet engineering weekly.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments
from transformers.utils import logging as hf_logging

hf_logging.set_verbosity_error()
torch.manual_seed(21)

COMPONENTS = ["bogie", "pantograph", "brake", "door", "hvac", "signalling"]
URGENCY = ["routine", "next_depot", "immediate"]
REPORTS = [
    ("loud knocking from rear bogie above 80 kmh", 0, 1),
    ("pantograph arcing heavily on overhead line", 1, 2),
    ("brake pressure slow to release at stations", 2, 1),
    ("door 3 left side fails to close, isolated", 3, 1),
    ("saloon heating not working in coach b", 4, 0),
    ("tpws fault light intermittent in cab", 5, 2),
    ("flat spot suspected, vibration through bogie", 0, 1),
    ("pantograph carbon strip worn, sparks at night", 1, 1),
    ("emergency brake applied itself twice", 2, 2),
    ("door obstruction alarm with nothing in doorway", 3, 0),
    ("air conditioning dripping water onto seats", 4, 0),
    ("aws horn not cancelling, signal warning stuck", 5, 2),
]


def write_vocab():
    words = sorted({w for t, _, _ in REPORTS for w in t.replace(",", " , ").split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class BaseModel(nn.Module):
    HIDDEN = 32
    MAX_POS = 64
    TASKS = ("label",)
    NUM_LABELS = 2

    def __init__(self, vocab_size, **kwargs):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=self.HIDDEN,
                                         num_hidden_layers=1, num_attention_heads=2,
                                         intermediate_size=64, max_position_embeddings=self.MAX_POS))
        self.build_heads(**kwargs)

    def build_heads(self, **kwargs):
        self.num_outputs = self.NUM_LABELS
        self.head = nn.Linear(self.HIDDEN, self.num_outputs)

    def encode(self, input_ids, attention_mask, token_type_ids=None):
        return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state[:, 0]

    def project(self, pooled):
        return (self.head(pooled),)

    def compute_loss(self, logits, labels):
        return F.cross_entropy(logits[0], labels)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        logits = self.project(self.encode(input_ids, attention_mask, token_type_ids))
        out = {f"{t}_logits": lg for t, lg in zip(self.TASKS, logits)}
        if labels is not None:
            out = {"loss": self.compute_loss(logits, labels), **out}
        return out


class MultiHeadMixin:
    HEAD_SIZES = {}

    def build_heads(self, **kwargs):
        self.num_outputs = len(self.TASKS)
        self.heads = nn.ModuleDict({t: nn.Linear(self.HIDDEN, self.HEAD_SIZES[t]) for t in self.TASKS})

    def project(self, pooled):
        return tuple(self.heads[t](pooled) for t in self.TASKS)

    def compute_loss(self, logits, labels):
        return sum(F.cross_entropy(lg, labels[:, k]) for k, lg in enumerate(logits))


class TriageModel(MultiHeadMixin, BaseModel):
    TASKS = ("component", "urgency")
    HEAD_SIZES = {"component": len(COMPONENTS), "urgency": len(URGENCY)}


class BaseExperiment:
    MODEL_CLS = BaseModel
    MAX_LEN = 64
    EPOCHS = 1

    def __init__(self, **kwargs):
        self.workdir = tempfile.mkdtemp()
        self.tokenizer = BertTokenizer(write_vocab())
        self.model = self.build_model(**kwargs)

    def build_model(self, **kwargs):
        return self.MODEL_CLS(self.tokenizer.vocab_size, **kwargs)

    def make_batch(self, rows):
        enc = self.tokenizer([r["text"] for r in rows], padding=True, truncation=True,
                             max_length=self.MAX_LEN, return_tensors="pt")
        return {**enc, "labels": torch.stack([r["target"] for r in rows])}

    def confusion(self, gold, pred, num_classes=None):
        n = num_classes or self.model.num_outputs
        cm = torch.zeros(n, n, dtype=torch.long)
        for g, p in zip(gold.tolist(), pred.tolist()):
            cm[g, p] += 1
        return cm

    def compute_metrics(self, eval_pred):
        raise NotImplementedError

    def run(self, train_rows, eval_rows):
        args = TrainingArguments(output_dir=self.workdir, num_train_epochs=self.EPOCHS,
                                 per_device_train_batch_size=4, per_device_eval_batch_size=8,
                                 learning_rate=3e-3, report_to="none", save_strategy="no",
                                 logging_strategy="no", use_cpu=True, disable_tqdm=True,
                                 remove_unused_columns=False)
        trainer = Trainer(model=self.model, args=args, train_dataset=train_rows,
                          eval_dataset=eval_rows, data_collator=self.make_batch,
                          compute_metrics=self.compute_metrics)
        trainer.train()
        return trainer.evaluate()


class TriageExperiment(BaseExperiment):
    MODEL_CLS = TriageModel
    MAX_LEN = 32
    EPOCHS = 3

    def compute_metrics(self, eval_pred):
        gold = torch.from_numpy(eval_pred.label_ids)
        metrics = {}
        for k, task in enumerate(self.model.TASKS):
            pred = torch.from_numpy(eval_pred.predictions[k]).argmax(-1)
            cm = self.confusion(gold[:, k], pred, num_classes=self.model.HEAD_SIZES[task])
            metrics[f"{task}_acc"] = cm.diag().sum().item() / max(cm.sum().item(), 1)
            print(f"[{task}] confusion:\n{cm}")
        return metrics


if __name__ == "__main__":
    rows = [{"text": t, "target": torch.tensor([c, u])} for t, c, u in REPORTS]
    exp = TriageExperiment()
    print(f"train={len(rows)} tasks={exp.model.TASKS}")
    print(exp.run(rows, rows))
