"""Seismic station duty-log triage: earthquake vs quarry blast vs cultural noise.

Trains a tiny BERT with the HF Trainer and keeps an exponential moving average of the
weights for evaluation. The second run warm-starts a deeper encoder from the first run's
checkpoint and carries on with fresh log entries.
"""
import os
import tempfile

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainerCallback, TrainingArguments)

torch.manual_seed(5)

LOGS_Q1 = [
    ("impulsive p onset clear s phase three stations", "earthquake"),
    ("emergent onset midday near quarry single pulse", "blast"),
    ("traffic hum broadband daytime only", "noise"),
    ("felt report from village s minus p short", "earthquake"),
    ("weekday noon event near pit dilatational first motion", "blast"),
    ("wind gusts broadband noise on vertical", "noise"),
    ("aftershock small s phase clear", "earthquake"),
    ("train passing near station harmonic noise", "noise"),
]
LOGS_Q2 = [
    ("p onset impulsive s phase on all stations", "earthquake"),
    ("single pulse at noon near quarry", "blast"),
    ("construction noise daytime on horizontal", "noise"),
    ("felt report s minus p long", "earthquake"),
    ("pit blast scheduled weekday noon", "blast"),
    ("storm noise broadband at night", "noise"),
]


class WeightEMA(TrainerCallback):
    """Keeps a shadow copy of the parameters, updated after every optimizer step."""

    def __init__(self, model, decay=0.95):
        self.decay = decay
        self.shadow = [p.detach().clone() for p in model.parameters()]

    def on_step_end(self, args, state, control, model=None, **kwargs):
        with torch.no_grad():
            for avg, p in zip(self.shadow, model.parameters()):
                avg.mul_(self.decay).add_(p.detach(), alpha=1.0 - self.decay)

    def copy_to(self, model):
        with torch.no_grad():
            for avg, p in zip(self.shadow, model.parameters()):
                p.copy_(avg)


def tokenizer_for(vocab):
    path = os.path.join(tempfile.mkdtemp(prefix="seis_tok_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.writelines(tok + "\n" for tok in vocab)
    return BertTokenizer(path)


def encode(entries, tok, label_names):
    rows = []
    for text, cls in entries:
        row = dict(tok(text))
        row["labels"] = label_names.index(cls)
        rows.append(row)
    return rows


def make_trainer(model, tok, rows, workdir, ema):
    args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=4, num_train_epochs=2,
                             learning_rate=2e-3, save_strategy="no", logging_steps=2, use_cpu=True,
                             disable_tqdm=True, report_to=[])
    return Trainer(model=model, args=args, train_dataset=rows, data_collator=DataCollatorWithPadding(tok),
                   callbacks=[ema])


# ---- run 1 -------------------------------------------------------------------------
label_names = ["earthquake", "blast", "noise"]
words = sorted({w for t, _ in LOGS_Q1 + LOGS_Q2 for w in t.split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
tok = tokenizer_for(vocab)
cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=40, num_labels=len(label_names))
model = BertForSequenceClassification(cfg)
ema = WeightEMA(model)
workdir = tempfile.mkdtemp(prefix="seis_run_")
make_trainer(model, tok, encode(LOGS_Q1, tok, label_names), workdir, ema).train()

ckpt_path = os.path.join(workdir, "duty_log_clf.pt")
torch.save({"model": model.state_dict(), "config": cfg.to_dict(), "vocab": vocab, "labels": label_names,
            "epoch": 2, "ema": ema.shadow}, ckpt_path)
print("saved checkpoint", ckpt_path)

# ---- run 2: deeper encoder, warm-started from run 1 --------------------------------------
ckpt = torch.load(ckpt_path)
cfg = BertConfig.from_dict({**ckpt["config"], "num_hidden_layers": 2})
model = BertForSequenceClassification(cfg)
report = model.load_state_dict(ckpt["model"], strict=False)
print(f"warm start: {len(report.missing_keys)} new tensors in the added layer")

tok = tokenizer_for(ckpt["vocab"])
ema = WeightEMA(model)
ema.shadow = [t.clone() for t in ckpt["ema"]]
rows = encode(LOGS_Q2, tok, ckpt["labels"])
trainer = make_trainer(model, tok, rows, tempfile.mkdtemp(prefix="seis_run2_"), ema)
trainer.train()

ema.copy_to(model)
model.eval()
batch = DataCollatorWithPadding(tok)(rows)
with torch.no_grad():
    preds = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
print("EMA accuracy on Q2 logs:", (preds == batch["labels"]).float().mean().item())
