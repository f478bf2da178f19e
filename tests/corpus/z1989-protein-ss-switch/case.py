import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
PAD, BOS, EOS = 0, 1, 2
RES2ID = {a: i + 3 for i, a in enumerate(AMINO)}
SS2ID = {"H": 0, "E": 1, "C": 2}

chains = [
    ("MKTAYIAKQRQISFVKSHFSRQ", "CCHHHHHHHHHHCCEEEEECCC"),
    ("GSHMLEDPVAGKV", "CCCCEEEEECCEE"),
    ("PEELLKKAEELLKRAEELG", "CHHHHHHHHHHHHHHHHHC"),
    ("TTYKLILNGKTLKGETTTEAVD", "CEEEEEECCCEEEEEEEECCCC"),
    ("MQIFVKTLTG", "CEEEEEECCC"),
    ("KVFGRCELAAAMKRHGLDNYRG", "CEECHHHHHHHHHHCCCCCCCC"),
]


def encode_chain(seq):
    return [BOS] + [RES2ID[a] for a in seq] + [EOS]


def make_batch(batch):
    res_ids = [encode_chain(seq) for seq, _ in batch]
    ss_tags = [[SS2ID[s] for s in ss] for _, ss in batch]
    width = max(len(r) for r in res_ids)
    tag_width = max(len(t) for t in ss_tags)
    tokens = torch.full((len(batch), width), PAD, dtype=torch.long)
    targets = torch.full((len(batch), tag_width), -100, dtype=torch.long)
    for i, (r, t) in enumerate(zip(res_ids, ss_tags)):
        tokens[i, : len(r)] = torch.tensor(r)
        targets[i, : len(t)] = torch.tensor(t)
    return tokens, targets


class SwitchFFN(nn.Module):
    def __init__(self, d_model, n_experts, d_ff, capacity_factor=1.25):
        super().__init__()
        self.n_experts = n_experts
        self.capacity_factor = capacity_factor
        self.router = nn.Linear(d_model, n_experts)
        self.w_in = nn.Parameter(torch.randn(n_experts, d_model, d_ff) / math.sqrt(d_model))
        self.w_out = nn.Parameter(torch.randn(n_experts, d_ff, d_model) / math.sqrt(d_ff))

    def forward(self, x, keep):
        b, t, d = x.shape
        flat = x.reshape(b * t, d)
        flat_keep = keep.reshape(-1)
        probs = F.softmax(self.router(flat), dim=-1)
        gate, choice = probs.max(dim=-1)
        choice = choice.masked_fill(~flat_keep, -1)

        capacity = int(self.capacity_factor * flat_keep.sum().item() / self.n_experts) + 1
        routed = torch.zeros_like(flat)
        for e in range(self.n_experts):
            idx = (choice == e).nonzero(as_tuple=True)[0][:capacity]
            if idx.numel() == 0:
                continue
            h = F.relu(flat.index_select(0, idx) @ self.w_in[e])
            routed.index_copy_(0, idx, (h @ self.w_out[e]) * gate[idx, None])

        density = F.one_hot(choice.clamp(min=0), self.n_experts).float()[flat_keep].mean(0)
        density_proxy = probs[flat_keep].mean(0)
        balance = self.n_experts * (density * density_proxy).sum()
        return routed.view(b, t, d), balance


class SSPredictor(nn.Module):
    def __init__(self, vocab, d_model=32, n_experts=4, max_len=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, d_model)
        self.attn = nn.TransformerEncoderLayer(d_model, 4, 64, dropout=0.0, batch_first=True)
        self.norm = nn.LayerNorm(d_model)
        self.switch = SwitchFFN(d_model, n_experts, 64)
        self.classify = nn.Linear(d_model, len(SS2ID))

    def forward(self, tokens):
        keep = tokens != PAD
        pos = torch.arange(tokens.size(1)).unsqueeze(0)
        h = self.embed(tokens) + self.pos(pos)
        h = self.attn(h, src_key_padding_mask=~keep)
        moe_out, balance = self.switch(self.norm(h), keep)
        return self.classify(h + moe_out), balance


def main():
    model = SSPredictor(vocab=len(RES2ID) + 3)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(4):
        total = 0.0
        for i in range(0, len(chains), 2):
            tokens, targets = make_batch(chains[i:i + 2])
            logits, balance = model(tokens)
            ce = F.cross_entropy(
                logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100
            )
            loss = ce + 0.01 * balance
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")


if __name__ == "__main__":
    main()
