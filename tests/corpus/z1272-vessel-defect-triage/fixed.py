# %% [markdown]
# Engine-room defect log triage -- route free-text defect entries to the right
# superintendent desk. Tiny BERT from scratch, HF Trainer.

# %%
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

def display(*xs):
    print(*xs)

# %%
CATEGORIES = ["hull", "main_engine", "electrical", "navigation"]
NUM_LABELS = len(CATEGORIES)
label2id = {c: i for i, c in enumerate(CATEGORIES)}

defect_log = [
    ("paint blistering on port side shell plating near frame 42", "hull"),
    ("pitting found on bilge keel during drydock survey", "hull"),
    ("cylinder 3 exhaust temperature high deviation alarm", "main_engine"),
    ("turbocharger surging at 80 percent load", "main_engine"),
    ("fuel injector leak on unit 5 observed by oiler", "main_engine"),
    ("emergency switchboard breaker tripped during test", "electrical"),
    ("insulation resistance low on bow thruster motor", "electrical"),
    ("gyro compass drift two degrees after restart", "navigation"),
    ("radar display freezes intermittently on bridge", "navigation"),
    ("ecdis chart update failed from usb", "navigation"),
]
display(len(defect_log), NUM_LABELS)

# %%
tmp_dir = tempfile.mkdtemp()
vocab_path = os.path.join(tmp_dir, "vocab.txt")

def build_vocab(rows):
    words = sorted({w for text, _ in rows for w in text.lower().split()})
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words

# extra words so the later log entries aren't all [UNK]
extra = "liferaft hydrostatic release expired fire damper stuck chiller compressor trips accommodation".split()
with open(vocab_path, "w") as fh:
    fh.write("\n".join(build_vocab(defect_log) + sorted(set(extra))) + "\n")

tok = BertTokenizer(vocab_path)
display(tok.vocab_size, tok("radar display freezes")["input_ids"])

# %%
config = BertConfig(
    vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=64, num_labels=NUM_LABELS,
)
model = BertForSequenceClassification(config)
display(sum(p.numel() for p in model.parameters()))

# %%
# quick sanity pass
enc = tok(["turbocharger surging at 80 percent load"], return_tensors="pt")
with torch.no_grad():
    out = model(**enc)
display(out.logits.shape)

# %%
# superintendent asked for two more desks; relabel a few entries
CATEGORIES = CATEGORIES + ["safety_equipment", "hvac"]
NUM_LABELS = len(CATEGORIES)
label2id = {c: i for i, c in enumerate(CATEGORIES)}
defect_log += [
    ("liferaft hydrostatic release expired", "safety_equipment"),
    ("fire damper stuck open in engine casing", "safety_equipment"),
    ("chiller compressor trips on high pressure", "hvac"),
    ("accommodation fan coil noisy", "hvac"),
]
display(NUM_LABELS, len(defect_log))

# %%
class DefectDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.rows = rows
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, cat = self.rows[i]
        enc = self.tokenizer(text, truncation=True, max_length=self.max_len, padding="max_length")
        item = {k: torch.tensor(v) for k, v in enc.items()}
        item["labels"] = torch.tensor(label2id[cat])
        return item

train_ds = DefectDataset(defect_log, tok)
display(train_ds[0]["input_ids"].shape, train_ds[-1]["labels"])

# %%
# the head was sized before the two new desks were added -- rebuild it
config.num_labels = NUM_LABELS
model = BertForSequenceClassification(config)

# %%
args = TrainingArguments(
    output_dir=os.path.join(tmp_dir, "out"),
    per_device_train_batch_size=4,
    num_train_epochs=2,
    learning_rate=5e-4,
    logging_steps=2,
    save_strategy="no",
    disable_tqdm=True,
    report_to=[],
    use_cpu=True,
    seed=7,
)
trainer = Trainer(model=model, args=args, train_dataset=train_ds)
result = trainer.train()
print("train loss", result.training_loss)

# %%
preds = trainer.predict(train_ds).predictions.argmax(-1)
for (text, cat), p in zip(defect_log, preds):
    print(f"{cat:>17} -> {CATEGORIES[p]:<17} | {text}")
