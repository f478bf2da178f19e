"""Intake-desk triage for a small-animal clinic: one BERT encoder, two heads.
urgency: complaint -> routine/soon/emergency; referral: complaint+history+species -> refer?
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(7)
random.seed(7)


@dataclass
class TaskSpec:
    num_labels: int
    max_len: int
    fields: tuple


TASKS = {
    "urgency": TaskSpec(num_labels=3, max_len=24, fields=("complaint",)),
    "referral": TaskSpec(num_labels=2, max_len=48, fields=("complaint", "history", "species")),
}

URGENCY = [
    ({"complaint": "dog vomiting blood since morning"}, 2),
    ({"complaint": "cat due for annual vaccine"}, 0),
    ({"complaint": "rabbit not eating for two days"}, 1),
    ({"complaint": "dog hit by car limping badly"}, 2),
    ({"complaint": "nail trim and ear check"}, 0),
    ({"complaint": "cat straining in litter box no urine"}, 2),
]
REFERRAL = [
    ({"complaint": "recurring seizures", "history": "on phenobarbital two years", "species": "dog"}, 1),
    ({"complaint": "itchy skin", "history": "no prior issues", "species": "cat"}, 0),
    ({"complaint": "heart murmur grade four", "history": "coughing at night", "species": "dog"}, 1),
    ({"complaint": "mild diarrhea", "history": "diet change last week", "species": "dog"}, 0),
    ({"complaint": "cloudy eye", "history": "suspected glaucoma", "species": "cat"}, 1),
    ({"complaint": "overgrown teeth", "history": "seen last month", "species": "rabbit"}, 0),
]

WORDS = sorted({w for rows in (URGENCY, REFERRAL) for rec, _ in rows for t in rec.values() for w in t.split()})


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def encode_record(tok, rec, spec):
    # [CLS] complaint [SEP] history [SEP] species [SEP]
    ids, seg = [tok.cls_token_id], [0]
    for seg_no, field in enumerate(spec.fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(rec[field])) + [tok.sep_token_id]
        ids += piece
        seg += [seg_no] * len(piece)
    return ids[: spec.max_len], seg[: spec.max_len]


def make_collate(tok, task):
    spec = TASKS[task]

    def collate(rows):
        enc = [encode_record(tok, rec, spec) for rec, _ in rows]
        width = max(len(ids) for ids, _ in enc)
        ids = torch.full((len(rows), width), tok.pad_token_id, dtype=torch.long)
        segs = torch.zeros_like(ids)
        attn = torch.zeros_like(ids)
        for i, (row_ids, row_seg) in enumerate(enc):
            ids[i, : len(row_ids)] = torch.tensor(row_ids)
            segs[i, : len(row_seg)] = torch.tensor(row_seg)
            attn[i, : len(row_ids)] = 1
        return {"task": task, "input_ids": ids, "token_type_ids": segs, "attention_mask": attn,
                "labels": torch.tensor([y for _, y in rows])}

    return collate


class RoundRobin:
    def __init__(self, loaders):
        self.loaders = loaders

    def __len__(self):
        return min(len(dl) for dl in self.loaders.values()) * len(self.loaders)

    def __iter__(self):
        iters = {name: iter(dl) for name, dl in self.loaders.items()}
        for _ in range(len(self) // len(self.loaders)):
            for name in self.loaders:
                yield next(iters[name])


class TriageModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.encoder = BertModel(config)
        self.heads = nn.ModuleDict({n: nn.Linear(config.hidden_size, s.num_labels) for n, s in TASKS.items()})

    def forward(self, task, input_ids, attention_mask, token_type_ids, labels=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        logits = self.heads[task](out.pooler_output)
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


class MultiTaskTrainer(Trainer):
    def __init__(self, *args, task_loaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task_loaders = task_loaders

    def get_train_dataloader(self):
        return RoundRobin(self.task_loaders)


def per_task_accuracy(model, loaders):
    model.eval()
    scores = {}
    with torch.no_grad():
        for name, dl in loaders.items():
            hit = total = 0
            for batch in dl:
                logits = model(**batch)["logits"]
                hit += (logits.argmax(-1) == batch["labels"]).sum().item()
                total += batch["labels"].numel()
            scores[name] = hit / total
    return scores


def main():
    tok = build_tokenizer()
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    model = TriageModel(config)
    data = {"urgency": URGENCY, "referral": REFERRAL}
    loaders = {t: DataLoader(rows, batch_size=3, shuffle=True, collate_fn=make_collate(tok, t))
               for t, rows in data.items()}
    print("tasks:", {t: (s.num_labels, len(s.fields)) for t, s in TASKS.items()})

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2, learning_rate=5e-4,
                             per_device_train_batch_size=3, logging_steps=2, save_strategy="no",
                             remove_unused_columns=False, disable_tqdm=True, report_to=[], use_cpu=True)
    trainer = MultiTaskTrainer(model=model, args=args, task_loaders=loaders)
    result = trainer.train()
    print("train loss:", round(result.training_loss, 4))
    print("per-task accuracy:", per_task_accuracy(model, loaders))


if __name__ == "__main__":
    main()
