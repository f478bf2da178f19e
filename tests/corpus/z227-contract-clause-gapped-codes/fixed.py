import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)

CLAUSE_TABLE = """code,clause_type
0,indemnification
1,termination
2,confidentiality
4,governing_law
7,payment_terms
"""

def parse_table(text):
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    return {name: i for i, (code, name) in enumerate(rows)}

clause_codes = parse_table(CLAUSE_TABLE)

snippets = [
    ("the supplier shall indemnify and hold harmless the buyer", "indemnification"),
    ("either party may terminate this agreement upon thirty days notice", "termination"),
    ("the recipient shall keep all disclosed information strictly confidential", "confidentiality"),
    ("this agreement shall be governed by the laws of delaware", "governing_law"),
    ("invoices are payable within forty five days of receipt", "payment_terms"),
    ("licensee agrees to indemnify licensor against third party claims", "indemnification"),
    ("this contract terminates automatically upon insolvency of either party", "termination"),
    ("no party shall disclose the terms of this agreement", "confidentiality"),
    ("disputes shall be resolved under the laws of new york", "governing_law"),
    ("payment shall be made in us dollars by wire transfer", "payment_terms"),
    ("contractor will defend and indemnify the client", "indemnification"),
    ("the client may terminate for convenience at any time", "termination"),
    ("confidential information excludes publicly available data", "confidentiality"),
    ("the courts of england shall have exclusive jurisdiction", "governing_law"),
    ("late payments accrue interest at two percent per month", "payment_terms"),
]

words = sorted({w for text, _ in snippets for w in text.split()})
word_index = {w: i + 1 for i, w in enumerate(words)}


def encode(text, length=12):
    ids = [word_index.get(w, 0) for w in text.split()][:length]
    return ids + [0] * (length - len(ids))


class ClauseClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab_size, dim, mode="mean", padding_idx=0)
        self.proj = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, n_classes))

    def forward(self, token_ids):
        return self.proj(self.emb(token_ids))


def make_batches(data, size):
    data = data[:]
    random.shuffle(data)
    for start in range(0, len(data), size):
        chunk = data[start:start + size]
        x = torch.tensor([encode(t) for t, _ in chunk])
        y = torch.tensor([clause_codes[c] for _, c in chunk])
        yield x, y


model = ClauseClassifier(len(word_index) + 1, n_classes=len(clause_codes))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)

for epoch in range(5):
    total = 0.0
    for x, y in make_batches(snippets, 4):
        scores = model(x)
        loss = F.cross_entropy(scores, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total:.3f}")

model.eval()
with torch.no_grad():
    probe = torch.tensor([encode("the vendor may terminate on breach")])
    pred = model(probe).argmax(-1).item()
    inv = {v: k for k, v in clause_codes.items()}
    print("predicted:", inv.get(pred, "?"))
