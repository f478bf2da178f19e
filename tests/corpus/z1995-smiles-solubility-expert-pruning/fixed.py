import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import DistilBertConfig, DistilBertModel

torch.manual_seed(11)

# (SMILES, log solubility in mol/L)
MOLECULES = [
    ("CCO", 1.10), ("CC(=O)O", 1.22), ("c1ccccc1", -1.64), ("CCCCCC", -3.84),
    ("OC1CCCCC1", -0.44), ("CC(C)O", 0.43), ("c1ccc(O)cc1", -0.04), ("ClC(Cl)Cl", -1.17),
    ("CCN(CC)CC", 0.08), ("c1ccc2ccccc2c1", -3.60), ("OCC(O)CO", 1.12), ("CCCCCCCCO", -2.39),
]
PAD, BOS = "<pad>", "<bos>"


def char_vocab(smiles):
    chars = sorted({c for s in smiles for c in s})
    return {tok: i for i, tok in enumerate([PAD, BOS] + chars)}


def batchify(rows, stoi):
    longest = max(len(s) for s, _ in rows) + 1
    ids = torch.zeros(len(rows), longest, dtype=torch.long)
    mask = torch.zeros(len(rows), longest, dtype=torch.long)
    for r, (smi, _) in enumerate(rows):
        seq = [stoi[BOS]] + [stoi[c] for c in smi]
        ids[r, : len(seq)] = torch.tensor(seq)
        mask[r, : len(seq)] = 1
    return ids, mask, torch.tensor([y for _, y in rows])


class RoutedFFN(nn.Module):
    def __init__(self, dim, n_experts=6, k=2):
        super().__init__()
        self.k = k
        self.router = nn.Linear(dim, n_experts, bias=False)
        self.experts = nn.ModuleList(
            [nn.Sequential(nn.Linear(dim, 64), nn.SiLU(), nn.Linear(64, dim)) for _ in range(n_experts)])
        self.register_buffer("token_counts", torch.zeros(n_experts))

    def forward(self, h, mask):
        flat = h.flatten(0, 1)
        real = mask.flatten().bool()
        flat_real = flat[real]
        scores = self.router(flat_real).softmax(-1)
        top_w, top_e = torch.topk(scores, self.k, dim=-1)
        top_w = top_w / top_w.sum(-1, keepdim=True)
        out = torch.zeros_like(flat_real)
        for e, expert in enumerate(self.experts):
            tok_idx, which = torch.where(top_e == e)
            if tok_idx.numel() == 0:
                continue
            out.index_add_(0, tok_idx, expert(flat_real[tok_idx]) * top_w[tok_idx, which, None])
        if self.training:
            self.token_counts += torch.bincount(top_e.flatten(), minlength=len(self.experts)).float()
        routed = flat.clone()
        routed[real] = flat_real + out
        return routed.view_as(h)


class SolubilityRegressor(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = DistilBertConfig(vocab_size=vocab_size, dim=32, n_layers=1, n_heads=2,
                               hidden_dim=64, max_position_embeddings=64)
        self.encoder = DistilBertModel(cfg)
        self.moe = RoutedFFN(32)
        self.head = nn.Linear(32, 1)

    def forward(self, ids, mask):
        h = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        h = self.moe(h, mask)
        return self.head(h[:, 0]).squeeze(-1)


@torch.no_grad()
def prune_experts(moe, keep_ratio):
    share = moe.token_counts / moe.token_counts.sum()
    n_keep = max(moe.k, int(len(moe.experts) * keep_ratio))
    keep = share.topk(n_keep).indices.sort().values
    moe.experts = nn.ModuleList([moe.experts[i] for i in keep.tolist()])
    router = nn.Linear(moe.router.in_features, len(keep), bias=False)
    router.weight.copy_(moe.router.weight[keep])
    moe.router = router
    moe.token_counts = torch.zeros(len(keep))
    return share, keep


def train(model, ids, mask, target, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        loss = F.mse_loss(model(ids, mask), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def main():
    stoi = char_vocab([s for s, _ in MOLECULES])
    ids, mask, logs = batchify(MOLECULES, stoi)
    model = SolubilityRegressor(len(stoi))

    warm = train(model, ids, mask, logs, steps=20, lr=3e-3)
    print(f"warm-up mse {warm:.3f}")

    share, keep = prune_experts(model.moe, keep_ratio=0.25)
    print("expert share:", [round(s, 3) for s in share.tolist()], "kept:", keep.tolist())

    tuned = train(model, ids, mask, logs, steps=10, lr=1e-3)
    print(f"after pruning mse {tuned:.3f}")


if __name__ == "__main__":
    main()
