import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

PAD, EOS = 0, 1
# Port-call event codes for cargo vessels (2..11), label = delayed departure or not.
VOYAGES = [
    ([2, 5, 7, 3], 0),
    ([2, 4, 4, 9, 10, 3], 1),
    ([6, 7, 3], 0),
    ([2, 8, 9, 9, 11], 1),
    ([5, 5, 3, 2], 0),
    ([2, 4, 9, 10, 10, 11, 3], 1),
]


def collate(items):
    width = max(len(seq) for seq, _ in items)
    tokens = torch.full((len(items), width), PAD, dtype=torch.long)
    for i, (seq, _) in enumerate(items):
        tokens[i, : len(seq)] = torch.tensor(seq)
    return {
        "tokens": tokens,
        "pad_mask": tokens.eq(PAD),
        "label": torch.tensor([y for _, y in items]),
    }


class ClampCodes:
    def __init__(self, n_codes):
        self.n_codes = n_codes

    def __call__(self, batch):
        batch["tokens"] = batch["tokens"].clamp(max=self.n_codes - 1)
        return batch


class AppendEOS:
    def __call__(self, batch):
        n = batch["tokens"].size(0)
        eos_column = torch.full((n, 1), EOS, dtype=torch.long)
        batch["tokens"] = torch.cat([batch["tokens"], eos_column], dim=1)
        batch["pad_mask"] = torch.cat([batch["pad_mask"], batch["pad_mask"].new_zeros(n, 1)], dim=1)
        return batch


class VoyageEncoder(nn.Module):
    def __init__(self, n_codes=12, dim=32, heads=4, layers=2):
        super().__init__()
        self.embed = nn.Embedding(n_codes, dim, padding_idx=PAD)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.head = nn.Linear(dim, 2)

    def forward(self, tokens, pad_mask):
        h = self.encoder(self.embed(tokens), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.head(pooled)


def main():
    hooks = [ClampCodes(12), AppendEOS()]
    model = VoyageEncoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = [VOYAGES[:3], VOYAGES[3:]]

    for epoch in range(3):
        total = 0.0
        for items in loader:
            batch = collate(items)
            for hook in hooks:
                batch = hook(batch)
            logits = model(batch["tokens"], batch["pad_mask"])
            loss = F.cross_entropy(logits, batch["label"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")
    print("done")


if __name__ == "__main__":
    main()
