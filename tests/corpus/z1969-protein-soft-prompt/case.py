import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
PAD, CLS = 0, 1
RESIDUE_TO_ID = {aa: i + 2 for i, aa in enumerate(AMINO)}
ALPHABET_SIZE = len(RESIDUE_TO_ID) + 2


def make_dataset(n=48):
    records = []
    hydrophobic = set("AILMFVW")
    for _ in range(n):
        length = random.randint(12, 30)
        chain = "".join(random.choice(AMINO) for _ in range(length))
        frac = sum(c in hydrophobic for c in chain) / length
        records.append((chain, 1.0 if frac < 0.35 else 0.0))
    return records


def encode(chain):
    return [CLS] + [RESIDUE_TO_ID[aa] for aa in chain]


def collate(records):
    encoded = [encode(chain) for chain, _ in records]
    longest = max(len(e) for e in encoded)
    residues = torch.zeros(len(encoded), longest)
    for row, ids in enumerate(encoded):
        residues[row, : len(ids)] = torch.tensor(ids)
    pad_mask = residues == PAD
    soluble = torch.tensor([y for _, y in records])
    return residues, pad_mask, soluble


class ProteinEncoder(nn.Module):
    def __init__(self, vocab, dim=32, depth=2, heads=4, max_len=128):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.pos = nn.Parameter(torch.randn(max_len, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, batch_first=True)
        self.layers = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.dim = dim


class SoftPromptClassifier(nn.Module):
    def __init__(self, backbone: ProteinEncoder, n_virtual=6):
        super().__init__()
        self.backbone = backbone
        for p in self.backbone.parameters():
            p.requires_grad_(False)
        self.n_virtual = n_virtual
        self.prompt = nn.Parameter(torch.randn(n_virtual, backbone.dim) * 0.02)
        self.head = nn.Sequential(nn.LayerNorm(backbone.dim), nn.Linear(backbone.dim, 1))

    def forward(self, residues, pad_mask):
        bsz, length = residues.shape
        tok = self.backbone.embed(residues)
        prompt = self.prompt.unsqueeze(0).expand(bsz, -1, -1)
        x = torch.cat([prompt, tok], dim=1)
        x = x + self.backbone.pos[: x.size(1)]
        prompt_mask = torch.zeros(bsz, self.n_virtual, dtype=torch.bool)
        full_mask = torch.cat([prompt_mask, pad_mask], dim=1)
        h = self.backbone.layers(x, src_key_padding_mask=full_mask)
        keep = (~full_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.head(pooled).squeeze(-1)


def run_epoch(model, data, optim, batch_size=8):
    random.shuffle(data)
    total = 0.0
    for i in range(0, len(data), batch_size):
        residues, pad_mask, soluble = collate(data[i : i + batch_size])
        logits = model(residues, pad_mask)
        loss = F.binary_cross_entropy_with_logits(logits, soluble)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    return total / ((len(data) + batch_size - 1) // batch_size)


@torch.no_grad()
def evaluate(model, data):
    residues, pad_mask, soluble = collate(data)
    probs = torch.sigmoid(model(residues, pad_mask))
    return ((probs > 0.5).float() == soluble).float().mean().item()


def main():
    data = make_dataset()
    train, held_out = data[:40], data[40:]
    backbone = ProteinEncoder(ALPHABET_SIZE)
    model = SoftPromptClassifier(backbone, n_virtual=6)
    params = [p for p in model.parameters() if p.requires_grad]
    print("trainable:", sum(p.numel() for p in params))
    optim = torch.optim.Adam(params, lr=1e-2)
    for epoch in range(4):
        loss = run_epoch(model, train, optim)
        print(f"epoch {epoch}: bce {loss:.4f}")
    print(f"held-out accuracy: {evaluate(model, held_out):.2f}")


if __name__ == "__main__":
    main()
