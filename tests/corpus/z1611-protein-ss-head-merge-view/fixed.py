import math
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
AA_TO_IDX = {a: i + 1 for i, a in enumerate(AMINO)}   # 0 = pad
SS_CLASSES = "HEC"                                     # helix, strand, coil
IGNORE = -100


def fake_chain(length):
    residues, states = [], []
    while len(residues) < length:
        state = random.choice(SS_CLASSES)
        run = random.randint(3, 8)
        pool = "AELMKQR" if state == "H" else ("VIYFWT" if state == "E" else "GPNDS")
        for _ in range(run):
            residues.append(random.choice(pool))
            states.append(SS_CLASSES.index(state))
    return "".join(residues[:length]), states[:length]


def collate(chains):
    longest = max(len(seq) for seq, _ in chains)
    residue_ids = torch.zeros(len(chains), longest, dtype=torch.long)
    ss_labels = torch.full((len(chains), longest), IGNORE, dtype=torch.long)
    for row, (seq, states) in enumerate(chains):
        residue_ids[row, :len(seq)] = torch.tensor([AA_TO_IDX[a] for a in seq])
        ss_labels[row, :len(seq)] = torch.tensor(states)
    return residue_ids, ss_labels, residue_ids != 0


class ResidueSelfAttention(nn.Module):
    def __init__(self, width, n_heads, max_dist=32):
        super().__init__()
        self.n_heads = n_heads
        self.head_w = width // n_heads
        self.max_dist = max_dist
        self.to_qkv = nn.Linear(width, 3 * width, bias=False)
        self.dist_bias = nn.Embedding(2 * max_dist + 1, n_heads)
        self.merge = nn.Linear(width, width)

    def forward(self, h, present):
        bsz, length, width = h.shape
        qkv = self.to_qkv(h).view(bsz, length, 3, self.n_heads, self.head_w)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)          # each (bsz, heads, length, head_w)
        sim = q @ k.transpose(-1, -2) / math.sqrt(self.head_w)

        pos = torch.arange(length)
        rel = (pos[None, :] - pos[:, None]).clamp(-self.max_dist, self.max_dist) + self.max_dist
        sim = sim + self.dist_bias(rel).permute(2, 0, 1).unsqueeze(0)
        sim = sim.masked_fill(~present[:, None, None, :], torch.finfo(sim.dtype).min)

        probs = sim.softmax(dim=-1)
        out = (probs @ v).transpose(1, 2).contiguous().view(bsz, length, width)
        return self.merge(out)


class SecondaryStructureTagger(nn.Module):
    def __init__(self, width=32, n_heads=4, depth=2):
        super().__init__()
        self.aa_emb = nn.Embedding(len(AMINO) + 1, width, padding_idx=0)
        self.blocks = nn.ModuleList()
        for _ in range(depth):
            self.blocks.append(nn.ModuleDict({
                "attn": ResidueSelfAttention(width, n_heads),
                "ln_a": nn.LayerNorm(width),
                "ffn": nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width)),
                "ln_f": nn.LayerNorm(width),
            }))
        self.tag = nn.Linear(width, len(SS_CLASSES))

    def forward(self, residue_ids, present):
        h = self.aa_emb(residue_ids)
        for blk in self.blocks:
            h = blk["ln_a"](h + blk["attn"](h, present))
            h = blk["ln_f"](h + blk["ffn"](h))
        return self.tag(h)


def main():
    chains = [fake_chain(random.randint(20, 45)) for _ in range(24)]
    model = SecondaryStructureTagger()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)

    for epoch in range(6):
        random.shuffle(chains)
        running, n_batches = 0.0, 0
        for start in range(0, len(chains), 6):
            residue_ids, ss_labels, present = collate(chains[start:start + 6])
            logits = model(residue_ids, present)
            loss = F.cross_entropy(logits.reshape(-1, len(SS_CLASSES)), ss_labels.reshape(-1),
                                   ignore_index=IGNORE)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
            n_batches += 1
        print(f"epoch {epoch}  loss {running / n_batches:.3f}")

    residue_ids, ss_labels, present = collate(chains[:6])
    with torch.no_grad():
        pred = model(residue_ids, present).argmax(-1)
    scored = ss_labels != IGNORE
    print("Q3 accuracy:", (pred[scored] == ss_labels[scored]).float().mean().item())


if __name__ == "__main__":
    main()
