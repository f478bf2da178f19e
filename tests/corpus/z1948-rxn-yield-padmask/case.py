"""Reaction yield regression from reaction SMILES with a small transformer encoder.

Reactions are written as 'reactants>>product'; each string is split with the usual
SMILES regex, mapped through a hand-built vocabulary, and the encoder output is
mean-pooled into a single yield estimate (fraction 0..1).
"""
import re
import random

import torch
import torch.nn as nn

torch.manual_seed(7)
random.seed(7)

SMILES_REGEX = re.compile(
    r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|/|:|~|@|\?|>>?|\*|\$|%[0-9]{2}|[0-9])"
)

REACTIONS = [
    ("Brc1ccccc1.Nc1ccccc1>>c1ccc(Nc2ccccc2)cc1", 0.82),
    ("Clc1ccc(C)cc1.NCCO>>Cc1ccc(NCCO)cc1", 0.41),
    ("Ic1ccncc1.N1CCOCC1>>c1cc(N2CCOCC2)ccn1", 0.67),
    ("Brc1ccc(OC)cc1.Nc1ccc(F)cc1>>COc1ccc(Nc2ccc(F)cc2)cc1", 0.74),
    ("Clc1ccccn1.NC1CCCCC1>>c1ccc(NC2CCCCC2)nc1", 0.23),
    ("Brc1cccs1.N1CCNCC1>>c1csc(N2CCNCC2)c1", 0.55),
    ("Ic1ccc(C(F)(F)F)cc1.NCc1ccccc1>>FC(F)(F)c1ccc(NCc2ccccc2)cc1", 0.88),
    ("Clc1ccc(C#N)cc1.N1CCCC1>>N#Cc1ccc(N2CCCC2)cc1", 0.36),
    ("Brc1ccc2ccccc2c1.Nc1ccccc1C>>Cc1ccccc1Nc1ccc2ccccc2c1", 0.61),
    ("Ic1cccc(O)c1.NCCN(C)C>>CN(C)CCNc1cccc(O)c1", 0.47),
    ("Brc1ncccc1C.N1CCOCC1>>Cc1cccnc1N1CCOCC1", 0.19),
    ("Clc1ccc([N+](=O)[O-])cc1.NC(C)C>>CC(C)Nc1ccc([N+](=O)[O-])cc1", 0.93),
]


def tokenize(rxn):
    return SMILES_REGEX.findall(rxn)


def build_vocab(reactions):
    vocab = {"<pad>": 0, "<unk>": 1}
    for rxn, _ in reactions:
        for tok in tokenize(rxn):
            vocab.setdefault(tok, len(vocab))
    return vocab


def encode_batch(batch, vocab):
    token_lists = [[vocab.get(t, vocab["<unk>"]) for t in tokenize(rxn)] for rxn, _ in batch]
    longest = max(len(t) for t in token_lists)
    padded = [t + [vocab["<pad>"]] * (longest - len(t)) for t in token_lists]
    pad_flags = [[0] * len(t) + [1] * (longest - len(t)) for t in token_lists]
    rxn_ids = torch.tensor(padded, dtype=torch.long)
    pad_mask = torch.tensor(pad_flags)
    yields = torch.tensor([y for _, y in batch], dtype=torch.float32)
    return rxn_ids, pad_mask, yields


class YieldEncoder(nn.Module):
    def __init__(self, n_tokens, d_model=32, n_heads=4, n_layers=2, max_len=128):
        super().__init__()
        self.tok_emb = nn.Embedding(n_tokens, d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=64, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Sequential(nn.Linear(d_model, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, rxn_ids, pad_mask):
        positions = torch.arange(rxn_ids.size(1), device=rxn_ids.device)
        h = self.tok_emb(rxn_ids) + self.pos_emb(positions)[None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return torch.sigmoid(self.head(pooled)).squeeze(-1)


def batches(data, size):
    order = list(range(len(data)))
    random.shuffle(order)
    for i in range(0, len(order), size):
        yield [data[j] for j in order[i:i + size]]


def main():
    vocab = build_vocab(REACTIONS)
    print(f"vocab size: {len(vocab)}")
    train, valid = REACTIONS[:9], REACTIONS[9:]

    model = YieldEncoder(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(5):
        model.train()
        running = 0.0
        for batch in batches(train, 4):
            rxn_ids, pad_mask, yields = encode_batch(batch, vocab)
            pred = model(rxn_ids, pad_mask)
            loss = loss_fn(pred, yields)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(batch)
        print(f"epoch {epoch}  train mse {running / len(train):.4f}")

    model.eval()
    with torch.no_grad():
        rxn_ids, pad_mask, yields = encode_batch(valid, vocab)
        pred = model(rxn_ids, pad_mask)
        mae = (pred - yields).abs().mean().item()
    for (rxn, y), p in zip(valid, pred.tolist()):
        print(f"{y:.2f}  {p:.2f}  {rxn}")
    print(f"valid MAE: {mae:.3f}")


if __name__ == "__main__":
    main()
