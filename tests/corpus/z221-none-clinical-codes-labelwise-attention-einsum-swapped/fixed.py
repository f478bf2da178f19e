import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

CODES = ["hypertension", "diabetes", "asthma", "pneumonia", "fracture", "anemia"]
NOTES = [
    ("patient with elevated blood pressure on lisinopril", ["hypertension"]),
    ("type two diabetes poorly controlled on metformin", ["diabetes"]),
    ("wheezing and shortness of breath inhaler given", ["asthma"]),
    ("fever cough and right lower lobe consolidation", ["pneumonia"]),
    ("fall from ladder distal radius broken cast applied", ["fracture"]),
    ("low hemoglobin fatigue iron supplements started", ["anemia"]),
    ("blood pressure high and glucose high metformin continued", ["hypertension", "diabetes"]),
    ("asthma flare with fever and consolidation on film", ["asthma", "pneumonia"]),
    ("broken hip after fall low hemoglobin noted", ["fracture", "anemia"]),
    ("diabetes follow up blood pressure normal", ["diabetes"]),
    ("cough fever chest film shows consolidation", ["pneumonia"]),
    ("fatigue pale low iron anemia workup", ["anemia"]),
]

vocab = sorted({w for text, _ in NOTES for w in text.split()})
tmp = tempfile.mkdtemp()
vocab_file = os.path.join(tmp, "vocab.txt")
with open(vocab_file, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
tokenizer = BertTokenizer(vocab_file)


def multi_hot(codes):
    vec = torch.zeros(len(CODES))
    for c in codes:
        vec[CODES.index(c)] = 1.0
    return vec


class LabelAttentionCoder(nn.Module):
    def __init__(self, n_codes, hidden=32):
        super().__init__()
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.code_queries = nn.Parameter(torch.randn(n_codes, hidden) * 0.02)
        self.proj = nn.Linear(hidden, hidden)
        self.code_out = nn.Parameter(torch.randn(n_codes, hidden) * 0.02)
        self.bias = nn.Parameter(torch.zeros(n_codes))

    def forward(self, token_ids, keep):
        states = self.encoder(input_ids=token_ids, attention_mask=keep).last_hidden_state
        keys = torch.tanh(self.proj(states))
        attn_logits = torch.einsum("cd,btd->bct", self.code_queries, keys)
        attn_logits = attn_logits.masked_fill(keep[:, None, :] == 0, float("-inf"))
        weights = attn_logits.softmax(dim=-1)
        per_code = torch.einsum("bct,btd->bcd", weights, states)
        return (per_code * self.code_out).sum(-1) + self.bias


def batches(rows, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        enc = tokenizer([t for t, _ in chunk], padding=True, return_tensors="pt")
        yield enc["input_ids"], enc["attention_mask"], torch.stack([multi_hot(c) for _, c in chunk])


model = LabelAttentionCoder(len(CODES))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss()
for epoch in range(3):
    running = 0.0
    for token_ids, keep, targets in batches(NOTES, 4):
        scores = model(token_ids, keep)
        loss = criterion(scores, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item()
    print(f"epoch {epoch} loss {running:.4f}")
