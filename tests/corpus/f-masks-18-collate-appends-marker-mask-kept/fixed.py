"""Query intent with a small transformer encoder; every query gets an end-of-query marker in the collate."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
VOCAB, EOQ, PAD, D = 50, 49, 0, 32
queries = [(torch.randint(1, 40, (n,)).tolist(), n % 4) for n in (4, 7, 5, 9, 3, 6, 8, 5)]


def encode(rows):
    width = max(len(r) for r, _ in rows)
    ids = torch.tensor([r + [PAD] * (width - len(r)) for r, _ in rows])
    return {"input_ids": ids, "attention_mask": (ids != PAD).long()}


def collate(rows):
    enc = encode(rows)
    marker = torch.full((len(rows), 1), EOQ)
    ids = torch.cat([enc["input_ids"], marker], dim=1)
    return {"ids": ids, "mask": torch.cat([enc["attention_mask"], torch.ones_like(marker)], dim=1), "intent": torch.tensor([y for _, y in rows])}


class IntentNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, D, padding_idx=PAD)
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, 4, 64, batch_first=True), 1)
        self.out = nn.Linear(D, 4)

    def forward(self, ids, mask):
        h = self.enc(self.emb(ids), src_key_padding_mask=mask == 0)
        return self.out((h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True))


net = IntentNet()
for batch in DataLoader(queries, batch_size=4, collate_fn=collate):
    loss = nn.functional.cross_entropy(net(batch["ids"], batch["mask"]), batch["intent"])
print("loss", loss.item())
