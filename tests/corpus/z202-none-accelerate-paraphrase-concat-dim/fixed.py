import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader

PAIRS = [
    ("how do i reset my password", "how can i change my password", 1),
    ("what is the capital of peru", "which city is the capital of peru", 1),
    ("how to cook rice fast", "best way to learn guitar", 0),
    ("is coffee bad for sleep", "does coffee affect sleep", 1),
    ("how tall is mount everest", "how old is mount everest", 0),
    ("where can i buy cheap flights", "how to find cheap plane tickets", 1),
    ("why is the sky blue", "why is grass green", 0),
    ("how to lose weight quickly", "fast ways to lose weight", 1),
    ("what time does the bank open", "when does the bank close", 0),
    ("can dogs eat grapes", "are grapes safe for dogs", 1),
    ("how do plants make food", "how do birds fly", 0),
    ("best laptop for students", "which laptop is good for college", 1),
]

vocab = {"<pad>": 0}
for a, b, _ in PAIRS:
    for w in (a + " " + b).split():
        vocab.setdefault(w, len(vocab))


def encode_side(texts):
    ids = [[vocab[w] for w in t.split()] for t in texts]
    width = max(len(x) for x in ids)
    tok = torch.tensor([x + [0] * (width - len(x)) for x in ids])
    return tok, (tok != 0).long()


def collate(rows):
    q1, m1 = encode_side([r[0] for r in rows])
    q2, m2 = encode_side([r[1] for r in rows])
    return {"q1": q1, "m1": m1, "q2": q2, "m2": m2, "dup": torch.tensor([r[2] for r in rows])}


class SiameseMatcher(nn.Module):
    def __init__(self, n_vocab, width=32):
        super().__init__()
        self.embed = nn.Embedding(n_vocab, width, padding_idx=0)
        layer = nn.TransformerEncoderLayer(width, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(3 * width, 2)

    def sentence_vector(self, tok, keep):
        h = self.encoder(self.embed(tok), src_key_padding_mask=keep == 0)
        keep = keep.unsqueeze(-1).float()
        return (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)

    def forward(self, q1, m1, q2, m2):
        u = self.sentence_vector(q1, m1)
        v = self.sentence_vector(q2, m2)
        features = torch.cat([u, v, (u - v).abs()], dim=-1)
        return self.head(features)


def run():
    random.seed(0)
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    model = SiameseMatcher(len(vocab))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loader = DataLoader(PAIRS, batch_size=6, shuffle=True, collate_fn=collate)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(4):
        total = 0.0
        for batch in loader:
            logits = model(batch["q1"], batch["m1"], batch["q2"], batch["m2"])
            loss = F.cross_entropy(logits, batch["dup"])
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch} loss {total / len(loader):.3f}")


if __name__ == "__main__":
    run()
