# herbarium label -> habitat class, quick BERT baseline
# (exported from notebook hab_clf_v2.ipynb, cells kept mostly in order)
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 13
random.seed(SEED); np.random.seed(SEED); torch.manual_seed(SEED)

# %% data -- transcribed labels from the 2019 digitisation batch
HABITATS = ["wetland", "montane", "coastal", "disturbed"]
LABELS = [
    ("sphagnum bog margin near outflow , wet peat", 0),
    ("sedge fen , standing water , common", 0),
    ("alpine scree above treeline , north facing slope", 1),
    ("rocky ridge crest , thin soil , exposed", 1),
    ("sand dune behind beach , salt spray", 2),
    ("tidal flat edge with scattered shells", 2),
    ("roadside verge near gravel pit", 3),
    ("abandoned field , weedy , old railway bed", 3),
    ("marsh with reeds and standing water near river mouth", 0),
    ("north slope scree , sparse cover", 1),
    ("salt marsh edge , tidal , sand", 2),
    ("vacant lot , rubble and weeds", 3),
]

# %% vocab -- tiny one built from the labels themselves
words = sorted({w for t, _ in LABELS for w in t.split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
tmp = tempfile.mkdtemp()
vocab_path = os.path.join(tmp, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vocab_path, do_lower_case=True)
print("vocab size", tok.vocab_size)

# %% model
cfg = BertConfig(
    vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=64, num_labels=len(HABITATS),
)
model = BertForSequenceClassification(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

BS = 4
EPOCHS = 3
MAX_LEN = 32


def batches(rows, bs):
    idx = list(range(len(rows)))
    random.shuffle(idx)
    for i in range(0, len(idx), bs):
        yield [rows[j] for j in idx[i:i + bs]]


# %% train
model.train()
for ep in range(EPOCHS):
    running = []
    for chunk in batches(LABELS, BS):
        texts = [t for t, _ in chunk]
        y = torch.tensor([c for _, c in chunk])
        enc = tok(texts, padding=True, truncation=True, max_length=MAX_LEN)
        ids = torch.tensor(enc["input_ids"])
        am = torch.tensor(enc["attention_mask"])

        out = model(input_ids=ids, attention_mask=am)
        loss = F.cross_entropy(out.logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running.append(loss.item())
    print(f"epoch {ep}  loss {np.mean(running):.4f}")

# %% quick look at a few predictions
model.eval()
probe = ["wet peat near bog", "gravel roadside weeds", "scree slope above treeline"]
enc = tok(probe, padding=True, truncation=True, max_length=MAX_LEN)
with torch.no_grad():
    logits = model(input_ids=torch.tensor(enc["input_ids"]),
                   attention_mask=torch.tensor(enc["attention_mask"])).logits
for t, p in zip(probe, logits.argmax(-1).tolist()):
    print(f"{t!r:40s} -> {HABITATS[p]}")
