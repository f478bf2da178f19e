"""Counterfeit-listing detector for a marketplace moderation queue.

Each listing is encoded as [CLS] title [SEP] brand [SEP] category [SEP] and every
token carries a segment id that says which listing field it came from.
"""
import os
import tempfile

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
rng = np.random.default_rng(11)

WORDS = ["leather", "wallet", "running", "shoe", "sneaker", "watch", "steel", "gold",
         "bag", "handbag", "genuine", "original", "replica", "cheap", "new", "sale",
         "nike", "gucci", "rolex", "adidas", "casio", "generic", "fashion", "sports",
         "accessories", "jewelry", "footwear", "men", "women", "limited", "edition"]
BRANDS = ["nike", "gucci", "rolex", "adidas", "casio", "generic"]
CATEGORIES = ["fashion accessories", "sports footwear", "jewelry", "men fashion", "women fashion"]
MAX_LEN = 24

workdir = tempfile.mkdtemp(prefix="listings_")
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")

listing_path = os.path.join(workdir, "listings.tsv")
with open(listing_path, "w") as fh:
    fh.write("title\tbrand\tcategory\tverdict\n")
    for _ in range(96):
        title = " ".join(rng.choice(WORDS[:16], size=rng.integers(3, 7)))
        verdict = "fake" if ("replica" in title or "cheap" in title) else "ok"
        if rng.random() < 0.1:
            verdict = "review"
        fh.write(f"{title}\t{rng.choice(BRANDS)}\t{rng.choice(CATEGORIES)}\t{verdict}\n")

table = np.genfromtxt(listing_path, delimiter="\t", dtype=str, skip_header=1)
titles, brands, categories, verdicts = table[:, 0], table[:, 1], table[:, 2], table[:, 3]

tok = BertTokenizer(vocab_path)
verdict_enc = LabelEncoder().fit(verdicts)
verdict_codes = verdict_enc.transform(verdicts)


def encode_listing(title, brand, category):
    pieces, tags = [tok.cls_token_id], ["title"]
    for field_name, text in (("title", title), ("brand", brand), ("category", category)):
        ids = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        pieces.extend(ids)
        tags.extend([field_name] * len(ids))
    pieces, tags = pieces[:MAX_LEN], tags[:MAX_LEN]
    pad = MAX_LEN - len(pieces)
    return pieces + [tok.pad_token_id] * pad, tags + ["pad"] * pad, [1] * (MAX_LEN - pad) + [0] * pad


rows = [encode_listing(t, b, c) for t, b, c in zip(titles, brands, categories)]
piece_ids = np.array([r[0] for r in rows], dtype=np.int64)
field_tags = np.array([r[1] for r in rows])
attn = np.array([r[2] for r in rows], dtype=np.int64)

# pad positions share the title segment; the real fields get one code each
field_tags[field_tags == "pad"] = "title"
field_vocab, field_codes = np.unique(field_tags, return_inverse=True)
field_codes = field_codes.reshape(field_tags.shape).astype(np.int64)
print("listing fields:", field_vocab.tolist())

idx_tr, idx_va = train_test_split(np.arange(len(piece_ids)), test_size=0.25, random_state=3)

config = BertConfig(
    vocab_size=len(tok),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_LEN,
    num_labels=len(verdict_enc.classes_),
)
model = BertForSequenceClassification(config)
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)


def batches(index, size=16):
    for start in range(0, len(index), size):
        sel = index[start:start + size]
        yield (torch.from_numpy(piece_ids[sel]), torch.from_numpy(field_codes[sel]),
               torch.from_numpy(attn[sel]), torch.from_numpy(verdict_codes[sel]))


for epoch in range(2):
    model.train()
    total = 0.0
    for ids, segs, mask, target in batches(rng.permutation(idx_tr)):
        out = model(input_ids=ids, token_type_ids=segs, attention_mask=mask, labels=target)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        total += out.loss.item()
    print(f"epoch {epoch} loss {total:.3f}")

model.eval()
hits = 0
with torch.no_grad():
    for ids, segs, mask, target in batches(idx_va):
        pred = model(input_ids=ids, token_type_ids=segs, attention_mask=mask).logits.argmax(-1)
        hits += (pred == target).sum().item()
print(f"val accuracy {hits / len(idx_va):.3f}")
