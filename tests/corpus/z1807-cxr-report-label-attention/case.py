"""Multi-label finding extraction from chest X-ray reports.

Tiny BERT encoder (random init) + multi-head label-wise attention: every finding gets
its own query vector that attends over the report tokens.
Reports are split by patient so follow-up studies stay on one side.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

FINDINGS = ["cardiomegaly", "effusion", "edema", "consolidation", "pneumothorax", "atelectasis"]
PHRASES = {
    "cardiomegaly": "the cardiac silhouette is enlarged",
    "effusion": "there is a small left pleural effusion",
    "edema": "mild interstitial pulmonary edema",
    "consolidation": "focal consolidation in the right lower lobe",
    "pneumothorax": "small apical pneumothorax is seen",
    "atelectasis": "bibasilar atelectasis",
}
NORMAL = ["lungs are clear", "no acute cardiopulmonary process", "heart size is normal",
          "no pleural effusion or pneumothorax", "stable appearance of the chest"]

studies = []
for pt in range(30):
    for visit in range(random.randint(1, 3)):
        present = [f for f in FINDINGS if random.random() < 0.25]
        sentences = [PHRASES[f] for f in present] + random.sample(NORMAL, 2)
        random.shuffle(sentences)
        studies.append({"mrn": 10000 + pt, "text": " . ".join(sentences) + " .",
                        "target": [float(f in present) for f in FINDINGS]})

mrns = sorted({s["mrn"] for s in studies})
random.shuffle(mrns)
val_mrns = set(mrns[:6])
train_studies = [s for s in studies if s["mrn"] not in val_mrns]
val_studies = [s for s in studies if s["mrn"] in val_mrns]

words = sorted({w for s in studies for w in s["text"].split()})
vocab_dir = tempfile.mkdtemp()
vocab_path = os.path.join(vocab_dir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)


class LabelAttentionHead(nn.Module):
    def __init__(self, hidden, n_labels, n_heads=2):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = hidden // n_heads
        self.label_queries = nn.Parameter(torch.randn(n_labels, hidden) * 0.02)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, token_states, pad_mask):
        b, t, h = token_states.shape
        n_lab = self.label_queries.size(0)
        q = self.label_queries.view(n_lab, self.n_heads, self.head_dim).transpose(0, 1)
        k = self.key(token_states).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        v = self.value(token_states).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        scores = torch.einsum("nld,bntd->bnlt", q, k) / self.head_dim ** 0.5
        scores = scores.masked_fill(~pad_mask[:, None, None, :], float("-inf"))
        ctx = scores.softmax(-1) @ v
        per_label = ctx.transpose(1, 2).view(b, n_lab, h)
        return self.out(per_label).squeeze(-1)


class ReportFindingsModel(nn.Module):
    def __init__(self, vocab_size, n_labels):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.label_attn = LabelAttentionHead(cfg.hidden_size, n_labels)

    def forward(self, token_ids, attn):
        states = self.encoder(input_ids=token_ids, attention_mask=attn).last_hidden_state
        return self.label_attn(states, attn.bool())


def batches(items, size, shuffle):
    items = list(items)
    if shuffle:
        random.shuffle(items)
    for i in range(0, len(items), size):
        chunk = items[i:i + size]
        enc = tokenizer([s["text"] for s in chunk], padding=True, truncation=True,
                        max_length=96, return_tensors="pt")
        yield enc["input_ids"], enc["attention_mask"], torch.tensor([s["target"] for s in chunk])


model = ReportFindingsModel(len(tokenizer), len(FINDINGS))
optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
pos_weight = torch.full((len(FINDINGS),), 3.0)

for epoch in range(3):
    model.train()
    total = 0.0
    for token_ids, attn, y in batches(train_studies, 8, shuffle=True):
        logits = model(token_ids, attn)
        loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item() * y.size(0)
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for token_ids, attn, y in batches(val_studies, 8, shuffle=False):
            pred = (torch.sigmoid(model(token_ids, attn)) > 0.5).float()
            tp += (pred * y).sum().item()
            fp += (pred * (1 - y)).sum().item()
            fn += ((1 - pred) * y).sum().item()
    f1 = 2 * tp / max(2 * tp + fp + fn, 1)
    print(f"epoch {epoch}: train loss {total / len(train_studies):.4f}  val micro-F1 {f1:.3f}")
