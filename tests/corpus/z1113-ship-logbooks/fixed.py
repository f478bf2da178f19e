"""Weather force from transcribed ship logbook remarks (tiny BERT, trained from scratch).

Remarks are the free-text column of 19th c. merchant logbooks; the label is the
transcriber's coarse wind class. Tokenization is done by hand in numpy.
"""
import string
import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification

np.random.seed(3)
torch.manual_seed(3)

remarks = [
    ("light airs and fine weather all sail set people employed scraping decks", "calm"),
    ("calm throughout ship's head all round the compass", "calm"),
    ("moderate breezes and cloudy took in royals at 4 pm", "moderate"),
    ("fresh breeze and clear set fore topmast studding sail", "moderate"),
    ("strong gales with heavy squalls of rain close reefed the topsails and sent down "
     "the royal yards at midnight a heavy sea running shipped much water in the waist "
     "carried away the lee quarter boat and the jib boom all hands at the pumps till daylight "
     "ship labouring heavily and making much water", "gale"),
    ("hard gale and high sea hove to under storm staysail", "gale"),
    ("steady breeze and pleasant weather crew mending sails", "moderate"),
    ("glassy calm sea like a mirror a boat lowered to try the current", "calm"),
    ("increasing gale with hail furled the mainsail", "gale"),
    ("variable light winds and haze sounded in 40 fathoms", "calm"),
    ("moderate and clear made the land bearing nnw distant 6 leagues", "moderate"),
    ("whole gale ship scudding under bare poles lost the fore topsail", "gale"),
]

CLASSES = np.array(["calm", "moderate", "gale"])
y_idx = np.array([np.flatnonzero(CLASSES == c)[0] for _, c in remarks])

strip = str.maketrans("", "", string.punctuation)
words = [r.lower().translate(strip).split() for r, _ in remarks]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
W = np.array(sorted({w for ws in words for w in ws}))
PAD, UNK, CLS, SEP = range(4)
MAX_POS = 40

def encode(ws):
    ws = np.asarray(ws)
    pos = np.searchsorted(W, ws)
    hit = W[np.minimum(pos, W.size - 1)] == ws
    ids = np.where(hit, pos + len(SPECIAL), UNK)[: MAX_POS - 2]   # room for [CLS]/[SEP]
    return np.concatenate([[CLS], ids, [SEP]])

seqs = [encode(ws) for ws in words]
lens = np.array([s.size for s in seqs])
print(f"{len(seqs)} remarks, vocab {W.size + len(SPECIAL)}, tokens/remark min {lens.min()} max {lens.max()}")

cfg = BertConfig(
    vocab_size=W.size + len(SPECIAL),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_POS,
    num_labels=CLASSES.size,
    pad_token_id=PAD,
)
model = BertForSequenceClassification(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

def make_batch(idx):
    L = int(lens[idx].max())
    X = np.stack([np.pad(seqs[i], (0, L - lens[i]), constant_values=PAD) for i in idx])
    A = (np.arange(L)[None, :] < lens[idx][:, None]).astype(np.int64)
    T = np.zeros_like(X)
    return dict(input_ids=torch.from_numpy(X), attention_mask=torch.from_numpy(A),
                token_type_ids=torch.from_numpy(T), labels=torch.from_numpy(y_idx[idx]))

B = 4
model.train()
for epoch in range(3):
    order = np.random.permutation(len(seqs))
    run = []
    for k in range(0, order.size, B):
        batch = make_batch(order[k:k + B])
        out = model(**batch)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        run.append(out.loss.item())
    print(f"epoch {epoch}: mean loss {np.mean(run):.4f}")

model.eval()
with torch.no_grad():
    batch = make_batch(np.arange(len(seqs)))
    logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.numpy()
pred = np.argmax(logits, axis=1)
print("train acc", (pred == y_idx).mean())
print("confusion (rows=true):")
C = np.zeros((CLASSES.size, CLASSES.size), dtype=int)
np.add.at(C, (y_idx, pred), 1)
print(C)
