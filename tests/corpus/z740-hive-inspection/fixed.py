import os, random, math, torch, torch.nn as nn, torch.nn.functional as F


def main():
    random.seed(11); torch.manual_seed(11)
    dv = torch.device(os.environ.get("HIVE_DEV", "meta"))
    C = ["queenright", "queenless", "swarm_prep", "brood_disease"]
    D = [
        ("solid brood pattern, queen seen on frame 4, eggs present, calm", 0),
        ("eggs and young larvae on three frames, marked queen spotted", 0),
        ("capped brood wall to wall, good stores, gentle temper", 0),
        ("no eggs no young larvae, roaring when opened, laying workers suspected", 1),
        ("emergency cells on frame 6, no queen seen, no eggs", 1),
        ("drone brood in worker cells, multiple eggs per cell", 1),
        ("queen cups charged on bottom bars, crowded brood nest, backfilling", 2),
        ("capped swarm cells along frame edges, bees bearding at entrance", 2),
        ("brood nest congested, queen cells with larvae, little laying room", 2),
        ("sunken perforated cappings, ropey test positive, foul smell", 3),
        ("spotty brood, discoloured larvae, chalky mummies at entrance", 3),
        ("twisted larvae, melted look, sour smell on brood frames", 3),
        ("queen seen, eggs present, supers half full, calm on frames", 0),
        ("no brood at all, bees agitated, no queen found after full search", 1),
        ("swarm cells on frame 3 and 5, old queen still present", 2),
        ("perforated cappings and scale in cells, sent sample to lab", 3),
    ]
    tz = lambda s: s.lower().replace(",", " ").split()
    V = {"<pad>": 0, "<unk>": 1}
    [V.setdefault(w, len(V)) for s, _ in D for w in tz(s)]
    en = lambda s: [V.get(w, 1) for w in tz(s)]
    print(f"vocab={len(V)} notes={len(D)} device={dv}")

    class N(nn.Module):
        def __init__(s, v, e, h, k):
            super().__init__()
            s.em, s.rn = nn.Embedding(v, e, padding_idx=0), nn.GRU(e, h, batch_first=True)
            s.dp, s.hd = nn.Dropout(.2), nn.Linear(h, k)

        def forward(s, x):
            o, _ = s.rn(s.em(x))
            q = (x > 0).unsqueeze(-1).float()
            return s.hd(s.dp((o * q).sum(1) / q.sum(1).clamp(min=1)))

    def bt(ix, bs):
        for i in range(0, len(ix), bs):
            b = [D[j] for j in ix[i:i + bs]]
            r = [en(s) for s, _ in b]
            X = torch.zeros(len(r), max(map(len, r)), dtype=torch.long)
            for k, t in enumerate(r): X[k, :len(t)] = torch.tensor(t)
            yield X.to(dv), torch.tensor([y for _, y in b]).to(dv)

    ct = torch.bincount(torch.tensor([y for _, y in D]), minlength=len(C)).float()
    cw = (ct.sum() / (len(C) * ct)).to(dv)
    lf = lambda z, t: F.cross_entropy(z, t, weight=cw, label_smoothing=.05)

    m = N(len(V), 24, 32, len(C)).to(dv)
    op = torch.optim.AdamW(m.parameters(), lr=3e-3, weight_decay=.01)
    sc = torch.optim.lr_scheduler.LambdaLR(op, lambda s: min(1., (s + 1) / 3))
    np_ = sum(p.numel() for p in m.parameters())
    print(f"params={np_} ({np_ * 4 / 1024:.1f} KiB fp32)")

    ix, st = list(range(len(D))), 0
    for ep in range(1):
        random.shuffle(ix); m.train()
        for X, y in bt(ix, 4):
            z = m(X); l = lf(z, y)
            op.zero_grad(); l.backward()
            nn.utils.clip_grad_norm_(m.parameters(), 1.)
            op.step(); sc.step(); st += 1
            if st % 2 == 0: print(f"ep{ep} st{st} X{tuple(X.shape)} z{tuple(z.shape)} loss{tuple(l.shape)} on {l.device}")
    m.eval()
    with torch.no_grad():
        for X, _ in bt(list(range(4)), 4): print("eval logits", tuple(m(X).shape))
    print(f"dry run ok: {st} steps, {math.ceil(len(D) / 4)} batches/epoch")


if __name__ == "__main__":
    main()
