# %% [markdown]
# # Dangerous-goods screening of cargo manifest lines
# Tiny BERT trained from scratch to assign an IMDG hazard class to the
# free-text cargo description on a container manifest line.

# %%
import os
import random
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_LEN = 48
BATCH_SIZE = 16

# %%
IMDG = {
    "none": ["furniture", "textiles", "machinery parts", "frozen fish", "coffee beans", "ceramic tiles"],
    "class3": ["paint", "ethanol", "resin solution", "printing ink", "adhesives"],
    "class8": ["sulphuric acid", "caustic soda", "battery fluid", "hydrochloric acid"],
    "class9": ["lithium ion batteries", "dry ice", "castor beans", "airbag modules"],
}
LABELS = sorted(IMDG)
label2id = {l: i for i, l in enumerate(LABELS)}

PACKING = ["drums", "pallets", "cartons", "ibc totes", "crates", "bags"]
PORTS = ["rotterdam", "antwerp", "hamburg", "singapore", "shanghai", "busan", "santos"]

def manifest_line():
    cls = random.choice(LABELS)
    goods = random.choice(IMDG[cls])
    n = random.randint(1, 400)
    text = f"{n} {random.choice(PACKING)} of {goods} said to contain"
    if cls != "none":
        text += f" un{random.randint(1000, 3500)} {cls.replace('class', 'class ')}"
    text += f" pol {random.choice(PORTS)} pod {random.choice(PORTS)}"
    if random.random() < 0.3:
        text += " shipper load stow and count"
    return text, label2id[cls]

rows = [manifest_line() for _ in range(480)]
print(rows[0])

# %%
words = sorted({w for t, _ in rows for w in t.split()} | {str(d) for d in range(10)})
specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
vocab_path = os.path.join(HERE, "manifest_vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(specials + words) + "\n")

tok = BertTokenizer(vocab_path)
print("vocab size:", tok.vocab_size)

# %%
class ManifestLines(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, y = self.rows[i]
        enc = tok(text, truncation=True, max_length=MAX_LEN)
        return {"input_ids": enc["input_ids"], "label": y}

def collate(items):
    ids = pad_sequence([torch.tensor(it["input_ids"]) for it in items],
                       batch_first=True, padding_value=tok.pad_token_id)
    lengths = torch.tensor([len(it["input_ids"]) for it in items])
    attention_mask = (torch.arange(ids.size(1))[None, :] < lengths[:, None]).long()
    return {"input_ids": ids, "attention_mask": attention_mask,
            "labels": torch.tensor([it["label"] for it in items])}

random.shuffle(rows)
cut = int(len(rows) * 0.85)
train_dl = DataLoader(ManifestLines(rows[:cut]), batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate)
val_dl = DataLoader(ManifestLines(rows[cut:]), batch_size=BATCH_SIZE, collate_fn=collate)

# %%
cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64,
                 max_position_embeddings=64, pad_token_id=tok.pad_token_id)

class ManifestClassifier(nn.Module):
    def __init__(self, cfg, n_labels):
        super().__init__()
        self.bert = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(cfg.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.cls(self.drop(pooled))

model = ManifestClassifier(cfg, len(LABELS))
optim = torch.optim.AdamW(model.parameters(), lr=2e-3)
ce = nn.CrossEntropyLoss()

# %%
for epoch in range(3):
    model.train()
    tot = 0.0
    for batch in train_dl:
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = ce(logits, batch["labels"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        tot += loss.item()
    model.eval()
    correct = n = 0
    with torch.no_grad():
        for batch in val_dl:
            pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
            correct += (pred == batch["labels"]).sum().item()
            n += len(pred)
    print(f"epoch {epoch}  loss {tot / len(train_dl):.3f}  val acc {correct / n:.3f}")

# %%
for text, y in rows[cut:cut + 4]:
    b = collate([{"input_ids": tok(text, truncation=True, max_length=MAX_LEN)["input_ids"], "label": y}])
    with torch.no_grad():
        p = model(b["input_ids"], b["attention_mask"]).argmax(-1).item()
    print(f"{LABELS[p]:>7} | {text}")
