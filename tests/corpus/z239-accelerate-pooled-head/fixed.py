import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)
tmp = tempfile.mkdtemp()

COMMITS = [
    ("fix null pointer in session cache", "bugfix"),
    ("fix off by one in pagination", "bugfix"),
    ("handle empty response from upstream api", "bugfix"),
    ("correct timezone conversion for reports", "bugfix"),
    ("add dark mode toggle to settings page", "feature"),
    ("support csv export for invoices", "feature"),
    ("new endpoint for bulk user import", "feature"),
    ("add retry option to webhook delivery", "feature"),
    ("update readme with install steps", "docs"),
    ("document environment variables", "docs"),
    ("fix typo in contributing guide", "docs"),
    ("add api examples to docs folder", "docs"),
] * 4
KINDS = ["bugfix", "feature", "docs"]

vocab = sorted({w for msg, _ in COMMITS for w in msg.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


def make_collate(tok):
    def collate(rows):
        msgs = [m for m, _ in rows]
        enc = tok(msgs, padding=True, return_tensors="pt")
        enc["kind"] = torch.tensor([KINDS.index(k) for _, k in rows])
        return enc
    return collate


class CommitClassifier(nn.Module):
    def __init__(self, cfg, n_kinds):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(2 * cfg.hidden_size, n_kinds)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(states.dtype)
        mean_vec = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        cls_vec = states[:, 0]
        features = torch.cat([cls_vec, mean_vec], dim=-1)
        return self.head(self.dropout(features))


cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
net = CommitClassifier(cfg, len(KINDS))
optim = torch.optim.AdamW(net.parameters(), lr=3e-4)
loader = DataLoader(COMMITS, batch_size=8, shuffle=True, collate_fn=make_collate(tokenizer))

accelerator = Accelerator(cpu=True)
net, optim, loader = accelerator.prepare(net, optim, loader)

for epoch in range(2):
    net.train()
    running = 0.0
    for batch in loader:
        target = batch.pop("kind")
        logits = net(**batch)
        loss = F.cross_entropy(logits, target)
        accelerator.backward(loss)
        optim.step()
        optim.zero_grad()
        running += loss.item()
    accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")
