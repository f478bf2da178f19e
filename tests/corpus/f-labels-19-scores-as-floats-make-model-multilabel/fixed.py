"""Review-star classifier: star ratings read from a CSV-like table are kept as floats and passed as labels."""
import os
import tempfile

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

ROWS = [
    "great phone,2", "battery died fast,0", "ok for the price,1", "love the screen,2",
    "broke in a week,0", "does the job,1", "excellent camera,2", "too slow,0",
]
texts = [r.split(",")[0] for r in ROWS]
stars = [float(r.split(",")[1]) for r in ROWS]

tmp = tempfile.mkdtemp()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in texts for w in t.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))

enc = tok(texts, padding=True, return_tensors="pt")
targets = torch.LongTensor(stars)
ds = TensorDataset(enc["input_ids"], enc["attention_mask"], targets)
loader = DataLoader(ds, batch_size=4, shuffle=True)

cfg = DistilBertConfig(vocab_size=len(tok), dim=32, hidden_dim=64, n_layers=1, n_heads=2, num_labels=3)
clf = DistilBertForSequenceClassification(cfg)
opt = torch.optim.AdamW(clf.parameters(), lr=1e-3)

for epoch in range(2):
    for ids, am, y in loader:
        out = clf(input_ids=ids, attention_mask=am, labels=y)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
    print("epoch", epoch, out.loss.item())
