# Event-type classification from seismic station operator logs.
# Train on the valley stations, validate on the mountain station; class-weighted CE
# with smoothed inverse-frequency weights because quarry blasts dominate the logs.
import os
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

np.random.seed(0); torch.manual_seed(0)

EVENTS = ["earthquake", "quarry_blast", "sonic_boom", "glitch", "ice_quake", "landslide"]
LOGS = [
    ("VAL1", "sharp p onset clear s phase long coda", 0), ("VAL1", "midday impulsive onset near quarry", 1),
    ("VAL1", "impulsive onset midday single shot quarry", 1), ("VAL1", "air coupled arrival loud boom", 2),
    ("VAL2", "spike on one channel only dropout", 3), ("VAL2", "clear s phase emergent coda", 0),
    ("VAL2", "midday quarry shot impulsive", 1), ("VAL2", "timing dropout gps spike", 3),
    ("VAL3", "cold night cracking emergent shallow", 4), ("VAL3", "midday blast quarry impulsive", 1),
    ("VAL3", "boom air arrival acoustic", 2), ("VAL3", "quarry shot midday", 1),
    ("VAL1", "p onset s phase coda local", 0), ("VAL2", "midday impulsive blast", 1),
    ("MTN", "long emergent rumble no s phase slope", 5), ("MTN", "sharp p onset clear s phase", 0),
    ("MTN", "emergent rumble rockfall slope long", 5), ("MTN", "cold night cracking ice", 4),
    ("MTN", "spike dropout one channel", 3), ("MTN", "midday quarry shot", 1),
]

st = np.array([r[0] for r in LOGS])
y = np.array([r[2] for r in LOGS], dtype=np.int64)
K = len(EVENTS)

tmp = tempfile.mkdtemp(prefix="seis_")
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    words = sorted({w for _, t, _ in LOGS for w in t.split()})
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))
enc = tok([r[1] for r in LOGS], padding="max_length", truncation=True, max_length=16, return_tensors="np")
X, M = enc["input_ids"], enc["attention_mask"]

tr = st != "MTN"
va = ~tr
print(f"train {tr.sum()} logs, val {va.sum()} logs, {K} event types")

n_k = np.bincount(y[tr])
w_k = np.sqrt(n_k.sum() / (n_k + 1.0))
w_k = w_k / w_k.mean()
print("class weights:", np.round(w_k, 3))


class LogSet(torch.utils.data.Dataset):
    def __init__(self, idx):
        self.X = torch.from_numpy(X[idx]); self.M = torch.from_numpy(M[idx])
        self.y = torch.from_numpy(y[idx])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"input_ids": self.X[i], "attention_mask": self.M[i], "labels": self.y[i]}


class WeightedCETrainer(Trainer):
    def __init__(self, *a, class_weights=None, **kw):
        super().__init__(*a, **kw)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        tgt = inputs.pop("labels")
        out = model(**inputs)
        per = F.cross_entropy(out.logits, tgt, reduction="none")
        wt = self.class_weights.to(per.device)[tgt]
        loss = (per * wt).sum() / wt.sum()
        return (loss, out) if return_outputs else loss


cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=32, num_labels=K)
model = BertForSequenceClassification(cfg)

args = TrainingArguments(output_dir=os.path.join(tmp, "out"), num_train_epochs=3,
                         per_device_train_batch_size=4, per_device_eval_batch_size=8,
                         learning_rate=5e-4, use_cpu=True, save_strategy="no",
                         logging_strategy="no", disable_tqdm=True, report_to=[], seed=0)
trainer = WeightedCETrainer(model=model, args=args,
                            train_dataset=LogSet(np.flatnonzero(tr)),
                            eval_dataset=LogSet(np.flatnonzero(va)),
                            class_weights=torch.from_numpy(w_k).float())
res = trainer.train()
print(f"train loss {res.training_loss:.4f}")
metrics = trainer.evaluate()
print(f"mountain-station weighted loss {metrics['eval_loss']:.4f}")

pred = trainer.predict(LogSet(np.flatnonzero(va))).predictions.argmax(-1)
for p, t in zip(pred, y[va]):
    print(f"  {EVENTS[t]:>12s} -> {EVENTS[p]}")
