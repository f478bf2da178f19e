"""Classify railway signalling fault tickets and break accuracy down per route."""
import os
import tempfile
from itertools import islice

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

set_seed(3)

FAULTS = ["track_circuit", "points", "signal_lamp", "axle_counter"]
ROUTES = ["north_main", "coast_line", "freight_loop"]
TRAIN_ROWS = [
    ("north_main", "track circuit showing occupied with no train present", "track_circuit"),
    ("coast_line", "points failed to detect in normal position", "points"),
    ("freight_loop", "signal lamp proved out red aspect dark", "signal_lamp"),
    ("north_main", "axle counter section disturbed needs reset", "axle_counter"),
    ("coast_line", "tc dropping intermittently after heavy rain", "track_circuit"),
    ("freight_loop", "points machine motor stalled mid stroke", "points"),
    ("north_main", "lamp filament failure on approach signal", "signal_lamp"),
    ("coast_line", "axle count mismatch head in head out", "axle_counter"),
] * 3
EVAL_ROWS = [
    ("north_main", "track circuit occupied after rail change", "track_circuit"),
    ("coast_line", "points out of correspondence reverse", "points"),
    ("freight_loop", "red aspect dark lamp proved out", "signal_lamp"),
    ("coast_line", "axle counter reset refused by evaluator", "axle_counter"),
    ("north_main", "points detection lost in reverse", "points"),
    ("freight_loop", "tc failure ballast contamination", "track_circuit"),
    ("north_main", "signal lamp flicker on proceed aspect", "signal_lamp"),
    ("coast_line", "axle count disturbed after tamping", "axle_counter"),
    ("freight_loop", "points motor stalled", "points"),
    ("north_main", "axle counter head fault", "axle_counter"),
    ("coast_line", "track circuit occupied no train", "track_circuit"),
    ("freight_loop", "lamp failure distant signal", "signal_lamp"),
    ("north_main", "points failed to detect normal", "points"),
    ("coast_line", "signal aspect dark red lamp", "signal_lamp"),
    ("freight_loop", "axle counter section disturbed", "axle_counter"),
    ("north_main", "track circuit dropping in rain", "track_circuit"),
    ("coast_line", "points machine motor fault", "points"),
    ("freight_loop", "tc occupied after storm", "track_circuit"),
    ("north_main", "lamp proved out on shunt signal", "signal_lamp"),
    ("coast_line", "axle count head in head out mismatch", "axle_counter"),
]
EVAL_LIMIT = 12  # quick eval while iterating on the model


def read_records(rows):
    for route, text, fault in rows:
        yield {"route": ROUTES.index(route), "text": text, "label": FAULTS.index(fault)}


def tokenize_stream(records, tok, max_len=32):
    for rec in records:
        enc = tok(rec["text"], truncation=True, max_length=max_len)
        yield {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
               "labels": rec["label"]}


class TicketSet(Dataset):
    def __init__(self, stream):
        self.items = list(stream)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_metrics(route_ids):
    routes = torch.tensor(route_ids)

    def compute_metrics(eval_pred):
        preds = np.argmax(eval_pred.predictions, axis=-1)
        hits = torch.from_numpy(preds == eval_pred.label_ids)
        out = {"accuracy": hits.float().mean().item()}
        for k, name in enumerate(ROUTES):
            on_route = routes == k
            out[f"acc_{name}"] = ((hits & on_route).sum() / on_route.sum().clamp(min=1)).item()
        return out

    return compute_metrics


def build_tokenizer():
    words = sorted({w for _, t, _ in TRAIN_ROWS + EVAL_ROWS for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    tok = build_tokenizer()
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=len(FAULTS))
    model = BertForSequenceClassification(cfg)

    train_set = TicketSet(tokenize_stream(read_records(TRAIN_ROWS), tok))
    eval_set = TicketSet(tokenize_stream(islice(read_records(EVAL_ROWS), EVAL_LIMIT), tok))
    route_ids = [rec["route"] for rec in read_records(EVAL_ROWS)]
    print(f"train={len(train_set)} eval={len(eval_set)} tickets")

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=1,
                             per_device_train_batch_size=4, per_device_eval_batch_size=4,
                             learning_rate=5e-4, save_strategy="no", logging_steps=2,
                             disable_tqdm=True, report_to=[], use_cpu=True, seed=3)
    trainer = Trainer(model=model, args=args, train_dataset=train_set, eval_dataset=eval_set,
                      data_collator=DataCollatorWithPadding(tok),
                      compute_metrics=make_metrics(route_ids))
    trainer.train()
    metrics = trainer.evaluate()
    for key in sorted(metrics):
        print(f"{key:>28s}: {metrics[key]:.4f}")


if __name__ == "__main__":
    main()
