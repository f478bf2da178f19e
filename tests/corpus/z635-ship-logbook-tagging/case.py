# %% [markdown]
# # Tagging 19th-century ship logbook entries
# Climate historians transcribe old logbooks; we want the vessel, the port and the
# wind observation pulled out of each entry. A tiny BERT token classifier,
# trained from scratch on a handful of hand-tagged entries.

# %%
import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(21)

# %% [markdown]
# ## Tagged entries
# One tag per word: O, VESSEL, PORT, WIND.

# %%
@dataclass
class LogEntry:
    words: list
    tags: list

def entry(line):
    pairs = [tok.rsplit("/", 1) for tok in line.split()]
    return LogEntry([w for w, _ in pairs], [t for _, t in pairs])

raw = [
    "the/O endeavour/VESSEL sailed/O from/O whitby/PORT wind/O nne/WIND fresh/WIND",
    "anchored/O off/O madeira/PORT light/WIND airs/WIND",
    "spoke/O the/O brig/O mary/VESSEL bound/O for/O lisbon/PORT",
    "strong/WIND gales/WIND from/O sw/WIND all/O hands/O aloft/O reefing/O topsails/O",
    "made/O batavia/PORT roads/O",
    "the/O resolution/VESSEL in/O company/O wind/O ese/WIND moderate/WIND",
]
entries = [entry(r) for r in raw]
TAGS = ["O", "VESSEL", "PORT", "WIND"]
print(len(entries), "entries; longest", max(len(e.words) for e in entries), "words")

# %% [markdown]
# ## Tokenizer from a word list
# Every word is its own vocab entry, so one word maps to exactly one token.

# %%
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for e in entries for w in e.words})
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
print("vocab size", len(tokenizer))

# %% [markdown]
# ## Features
# Word tags are shifted by one for [CLS]; special tokens and padding get -100.

# %%
def to_features(batch_entries):
    enc = tokenizer([e.words for e in batch_entries], is_split_into_words=True,
                    padding=True, return_tensors="pt")
    width = enc["input_ids"].shape[1]
    tag_ids = torch.full((len(batch_entries), width), -100, dtype=torch.long)
    for r, e in enumerate(batch_entries):
        word_tags = torch.tensor([TAGS.index(t) for t in e.tags])
        for pos in range(1, width - 1):
            tag_ids[r, pos] = word_tags[pos - 1]
    enc["labels"] = tag_ids
    return enc

feats = to_features(entries)
for k, v in feats.items():
    print(f"{k:15s}", tuple(v.shape))

# %% [markdown]
# ## Model

# %%
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                    num_labels=len(TAGS))
model = BertForTokenClassification(config)

# %% [markdown]
# ## Sanity check
# Tokens next to their tags for the first entry, and the untrained loss (~ ln 4).

# %%
first = feats["input_ids"][0]
print(list(zip(tokenizer.convert_ids_to_tokens(first), feats["labels"][0].tolist())))
with torch.no_grad():
    print("initial loss", model(**feats).loss.item())

# %% [markdown]
# ## Train

# %%
optim = torch.optim.AdamW(model.parameters(), lr=5e-3)
model.train()
for step in range(40):
    out = model(**feats)
    optim.zero_grad()
    out.loss.backward()
    optim.step()
    if step % 10 == 0:
        print(f"step {step:2d} loss {out.loss.item():.3f}")

# %% [markdown]
# ## Predict on the training entries

# %%
model.eval()
with torch.no_grad():
    pred = model(**feats).logits.argmax(-1)
for r, e in enumerate(entries[:3]):
    guess = [TAGS[p] for p in pred[r, 1 : len(e.words) + 1].tolist()]
    print(" ".join(f"{w}/{g}" for w, g in zip(e.words, guess)))
