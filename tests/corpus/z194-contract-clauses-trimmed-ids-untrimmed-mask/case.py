import os
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DistilBertConfig, DistilBertModel

torch.manual_seed(0)
workdir = tempfile.mkdtemp()

CLAUSES = [
    ("either party may terminate this agreement with thirty days written notice", "termination"),
    ("this agreement terminates automatically upon insolvency of the supplier", "termination"),
    ("the customer may end the contract if the service is unavailable for ten days", "termination"),
    ("neither party shall disclose confidential information to any third party", "confidentiality"),
    ("all pricing terms are confidential and may not be shared", "confidentiality"),
    ("the recipient shall protect the information with reasonable care", "confidentiality"),
    ("the supplier shall not be liable for indirect or consequential damages", "liability"),
    ("total liability under this agreement shall not exceed the fees paid", "liability"),
    ("the customer is liable for damages caused by misuse of the software", "liability"),
    ("invoices are payable within forty five days of receipt", "payment"),
    ("late payment shall accrue interest at two percent per month", "payment"),
    ("fees are due in advance at the start of each quarter", "payment"),
]
LABELS = sorted({lab for _, lab in CLAUSES})
label_id = {lab: i for i, lab in enumerate(LABELS)}

words = sorted({w for text, _ in CLAUSES for w in text.split()})
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tok = BertTokenizer(vocab_path)

MAX_LEN = 32
enc = tok([t for t, _ in CLAUSES], padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
records = [
    {"ids": enc["input_ids"][i], "attn": enc["attention_mask"][i], "y": label_id[lab]}
    for i, (_, lab) in enumerate(CLAUSES)
]


def collate_trimmed(batch):
    ids = torch.stack([r["ids"] for r in batch])
    attn = torch.stack([r["attn"] for r in batch])
    longest = int(attn.sum(dim=1).max())
    ids = ids[:, :longest]
    y = torch.tensor([r["y"] for r in batch])
    return ids, attn, y


class ClauseTagger(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        cfg = DistilBertConfig(vocab_size=tok.vocab_size, dim=32, n_layers=1, n_heads=2,
                               hidden_dim=64, max_position_embeddings=64)
        self.encoder = DistilBertModel(cfg)
        self.head = nn.Linear(cfg.dim, n_classes)

    def forward(self, ids, attn):
        hidden = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.head(hidden[:, 0])


model = ClauseTagger(len(LABELS))
opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
loader = DataLoader(records, batch_size=4, shuffle=True, collate_fn=collate_trimmed)

for epoch in range(3):
    model.train()
    running = 0.0
    for ids, attn, y in loader:
        logits = model(ids, attn)
        loss = nn.functional.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch} loss {running / len(loader):.4f}")

model.eval()
with torch.no_grad():
    ids, attn, y = collate_trimmed(records)
    acc = (model(ids, attn).argmax(-1) == y).float().mean().item()
print(f"train accuracy {acc:.2f}")
