# %% [markdown]
# # Delay-cause classification from berth log remarks
# Free-text remarks typed by the terminal duty officer -> delay cause category.
# Small BERT trained from scratch on our own wordpiece vocab (no hub access on the OT network).

# %%
import os
import random
from collections import Counter
from datetime import date, timedelta

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
MAX_LEN = 32
BATCH = 16

# %% synthetic berth log
TEMPLATES = {
    "berth_congestion": ["vessel waiting at anchorage berth {b} occupied", "berth {b} not clear previous vessel overran window",
                         "queue at outer anchorage {n} vessels ahead"],
    "weather": ["wind gusts {n} knots cranes stopped", "fog pilot boarding suspended", "swell at pilot station {n} m operations halted"],
    "crane_breakdown": ["sts crane {n} spreader fault", "crane {n} hoist motor failure technicians on site", "gantry {n} power trip"],
    "pilot_unavailable": ["no pilot available until {n} 00", "pilot shortage vessel rescheduled", "pilot boat maintenance delay"],
    "documentation": ["cargo manifest incomplete", "dangerous goods declaration missing for {n} containers", "stowage plan revised late"],
    "customs_hold": ["customs hold on {n} containers", "customs inspection scanner queue", "customs release pending for bay {n}"],
}

def berth_log(n_days=180, start=date(2024, 1, 1)):
    for d in range(n_days):
        day = start + timedelta(days=d)
        causes = list(TEMPLATES)
        if day < date(2024, 5, 1):
            causes.remove("customs_hold")
        for _ in range(random.randint(1, 3)):
            cause = random.choice(causes)
            text = random.choice(TEMPLATES[cause]).format(b=random.randint(1, 9), n=random.randint(2, 40))
            yield {"date": day, "vessel": f"V{random.randint(100, 999)}", "remark": text, "cause": cause}

log = list(berth_log())
print(len(log), "log entries", Counter(r["cause"] for r in log).most_common())

# %% vocab from the remarks themselves
words = sorted({w for r in log for w in r["remark"].split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [str(i) for i in range(10)] + [w for w in words if not w.isdigit()]
vocab_file = os.path.join(WORKDIR, "berthlog_vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vocab_file, do_lower_case=True)
print(tok.tokenize(log[0]["remark"]))

# %% label map + time-based split (train on Jan-Apr, validate on May-Jun)
DELAY_CAUSES = sorted({r["cause"] for r in log})
cause2id = {c: i for i, c in enumerate(DELAY_CAUSES)}
id2cause = {i: c for c, i in cause2id.items()}

cutoff = date(2024, 5, 1)
train_rows = [r for r in log if r["date"] < cutoff]
val_rows = [r for r in log if r["date"] >= cutoff]
train_labels = [cause2id[r["cause"]] for r in train_rows]
n_causes = len(set(train_labels))
print("train", len(train_rows), "val", len(val_rows), "classes", n_causes)

# %%
class RemarkDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        return r["remark"], cause2id[r["cause"]]

def collate(batch):
    texts, labels = zip(*batch)
    enc = tok(list(texts), padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
    enc["labels"] = torch.tensor(labels, dtype=torch.long)
    return enc

train_dl = DataLoader(RemarkDataset(train_rows), batch_size=BATCH, shuffle=True, collate_fn=collate)
val_dl = DataLoader(RemarkDataset(val_rows), batch_size=64, collate_fn=collate)

# %%
config = BertConfig(
    vocab_size=tok.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=n_causes,
    id2label=id2cause,
    label2id=cause2id,
)
model = BertForSequenceClassification(config)
optim = torch.optim.AdamW(model.parameters(), lr=2e-3)

# %%
for epoch in range(3):
    model.train()
    tot = 0.0
    for batch in train_dl:
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        tot += out.loss.item()
    model.eval()
    correct = n = 0
    with torch.no_grad():
        for batch in val_dl:
            out = model(**batch)
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            n += len(batch["labels"])
    print(f"epoch {epoch} loss {tot / len(train_dl):.3f} val acc {correct / n:.3f}")

# %%
sample = ["customs hold on 12 containers", "crane 3 spreader fault"]
with torch.no_grad():
    pred = model(**tok(sample, padding=True, return_tensors="pt")).logits.argmax(-1)
print([id2cause[int(p)] for p in pred])
