# %% [markdown]
# Ferry incident log triage: tiny BERT + per-category report for the safety office

# %%
import os
import random
import tempfile
from collections import Counter

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

SEED = 7
random.seed(SEED); np.random.seed(SEED); torch.manual_seed(SEED)
WORKDIR = tempfile.mkdtemp()

# %%
raw_logs = [
    ("mooring line parted during berthing at pier two", "mooring"),
    ("stern line chafed through on the bollard", "mooring"),
    ("bow thruster tripped while coming alongside", "machinery"),
    ("engine room bilge alarm high level", "machinery"),
    ("port main engine overheating at cruise speed", "machinery"),
    ("passenger slipped on wet stair deck three", "passenger_injury"),
    ("child fell near the car deck ramp", "passenger_injury"),
    ("radar display froze near channel buoy", "navigation"),
    ("gps position jumped during fog crossing", "navigation"),
    ("spring line snapped in strong crosswind", "mooring"),
    ("passenger cut hand on broken railing", "passenger_injury"),
    ("autopilot disengaged without alarm mid channel", "navigation"),
    ("galley fire suppression discharged", "fire"),
]
MIN_PER_TAG = 1

# %%
# re-ran with 2: one-off tags just add noise to the head
MIN_PER_TAG = 2
counts = Counter(t for _, t in raw_logs)
logs = [(txt, t) for txt, t in raw_logs if counts[t] >= MIN_PER_TAG]
LABELS = list(dict.fromkeys(t for _, t in logs))  # order of first appearance
id2label = dict(enumerate(LABELS))
label2id = {v: k for k, v in id2label.items()}
print(len(logs), "logs kept;", id2label)

# %%
words = sorted({w for txt, _ in raw_logs for w in txt.split()})
vocab_path = os.path.join(WORKDIR, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tok = BertTokenizer(vocab_path)

cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, num_labels=len(LABELS),
                 id2label=id2label, label2id=label2id)
model = BertForSequenceClassification(cfg)

def encode(rows):
    out = []
    for txt, tag in rows:
        enc = tok(txt, truncation=True, max_length=32)
        enc["labels"] = label2id[tag]
        out.append(dict(enc))
    return out

train_ds = encode(logs)
train_ds[0]

# %%
args = TrainingArguments(output_dir=os.path.join(WORKDIR, "out"), num_train_epochs=2,
                         per_device_train_batch_size=4, learning_rate=5e-4, save_strategy="no",
                         use_cpu=True, disable_tqdm=True, report_to=[], logging_steps=50, seed=SEED)
trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                  data_collator=DataCollatorWithPadding(tok))
trainer.train()

# %%
pred_out = trainer.predict(train_ds)
y_pred = torch.as_tensor(pred_out.predictions).argmax(-1)
y_true = torch.as_tensor(pred_out.label_ids)
print("preds", y_pred.shape, "gold", y_true.shape)

# per-class precision / recall / f1 / support, one row per class id
per_class = torch.zeros(len(LABELS), 4)
for c in range(len(LABELS)):
    tp = ((y_pred == c) & (y_true == c)).sum().item()
    p = tp / max((y_pred == c).sum().item(), 1)
    r = tp / max((y_true == c).sum().item(), 1)
    f = 2 * p * r / (p + r) if p + r else 0.0
    per_class[c] = torch.tensor([p, r, f, (y_true == c).sum().item()])
per_class.shape

# %%
# safety office wants the categories alphabetically, tidy up the mapping for the report
# keep the ids the model and per_class were built with; only the printing order is alphabetical
id2label = {int(k): v for k, v in model.config.id2label.items()}
label2id = {v: k for k, v in id2label.items()}

print(f"{'category':<18}{'prec':>6}{'rec':>6}{'f1':>6}{'n':>4}")
for tag in sorted(label2id):
    p, r, f, n = per_class[label2id[tag]].tolist()
    print(f"{tag:<18}{p:6.2f}{r:6.2f}{f:6.2f}{int(n):4d}")

# %%
macro_f1 = per_class[:, 2].mean().item()
print("macro f1", round(macro_f1, 3))
