# %% [markdown]
# Apiary inspection notes -> colony status (queenright / queenless / preparing to swarm)
# Small BERT trained from scratch with Accelerate; notes come from the field tablets.

# %%
import functools
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding

random.seed(11)
torch.manual_seed(11)
accelerator = Accelerator(cpu=True)
display = print

# %%
STATUS = ["queenright", "queenless", "swarm_prep"]
notes = [
    ("eggs and young larvae seen capped brood pattern solid", 0),
    ("queen spotted on frame four marked blue", 0),
    ("calm colony good stores eggs present", 0),
    ("no eggs no open brood bees roaring when opened", 1),
    ("laying workers multiple eggs per cell drone brood in worker cells", 1),
    ("emergency cells drawn on frame six no queen seen", 1),
    ("several capped queen cells along bottom bars", 2),
    ("congested brood nest backfilled with nectar queen cups charged", 2),
    ("bearding at entrance swarm cells on frame three and seven", 2),
    ("queen seen brood fine supers added", 0),
    ("queenless for two weeks introduced frame of eggs", 1),
    ("play cups with royal jelly colony very strong", 2),
]
display(len(notes), {s: sum(1 for _, y in notes if y == i) for i, s in enumerate(STATUS)})

# %%
workdir = tempfile.mkdtemp()
words = sorted({w for t, _ in notes for w in t.split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
MAX_LEN = 32

def encode_note(pair, tokenizer, max_len):
    text, status = pair
    enc = tokenizer(text, truncation=True, max_length=max_len, return_tensors="pt")
    feats = {k: v.squeeze(0) for k, v in enc.items()}
    feats["labels"] = torch.tensor(status)
    return feats

encode = functools.partial(encode_note, tokenizer=tok, max_len=MAX_LEN)
hive_ds = [encode(p) for p in notes]
display([d["input_ids"].shape[0] for d in hive_ds])

# %%
# smoke run, one note at a time
BATCH_SIZE = 1
loader = DataLoader(hive_ds, batch_size=BATCH_SIZE, shuffle=True)
first = next(iter(loader))
display({k: tuple(v.shape) for k, v in first.items()})

# %%
cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, num_labels=len(STATUS))
model = BertForSequenceClassification(cfg)
with torch.no_grad():
    display(model(**first).logits)

# %%
# smoke run fine -- real batch size for training
BATCH_SIZE = 4
EPOCHS = 3
loader = DataLoader(hive_ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=DataCollatorWithPadding(tok))
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
model, optim, loader = accelerator.prepare(model, optim, loader)

# %%
model.train()
for epoch in range(EPOCHS):
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        running += out.loss.item()
    accelerator.print(f"epoch {epoch} loss {running / (step + 1):.4f}")

# %%
model.eval()
correct = 0
with torch.no_grad():
    for batch in loader:
        pred = model(**batch).logits.argmax(-1)
        correct += (pred == batch["labels"]).sum().item()
display("train acc", correct / len(hive_ds))
