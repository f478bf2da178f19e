import os, random, tempfile, torch, torch.nn as nn, torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer


def main():
    random.seed(5); torch.manual_seed(5)
    G = ["crustose", "foliose", "fruticose"]
    S = [
        ("grey crust tightly bound to north face of granite boulder, black apothecia", 0),
        ("orange crust on sandstone wall, no lower surface visible", 0),
        ("thin white crust on old ash bark, script-like fruiting bodies", 0),
        ("leafy grey lobes on oak trunk, loosely attached with rhizines", 1),
        ("broad green lobes on mossy rock, pale underside", 1),
        ("yellow leafy rosette on roof tiles near the coast", 1),
        ("bushy pale tufts hanging from larch branches", 2),
        ("beard-like strands dangling from spruce in wet valley", 2),
        ("upright branched cups on peaty heath soil, red tips", 2),
        ("crust cracked into tiles on limestone gravestone", 0),
        ("lobes overlapping on fence post, grey above brown below", 1),
        ("shrubby grey-green thallus on birch twig, flattened branches", 2),
    ]
    tz0 = lambda s: s.lower().replace(",", " ").replace("-", " - ").split()
    W = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "-"] + sorted({w for s, _ in S for w in tz0(s)} - {"-"})
    dr = tempfile.mkdtemp(); vp = os.path.join(dr, "vocab.txt")
    with open(vp, "w") as f: f.write("\n".join(W) + "\n")
    tk = BertTokenizer(vp)
    ML = 24
    cf = BertConfig(vocab_size=len(W), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=ML)
    print(f"vocab={len(W)} records={len(S)} max_len={ML}")

    pd = lambda r, n, v: r + [v] * (n - len(r))

    def bt(rs):
        t = [tk.encode(s, truncation=True, max_length=ML) for s, _ in rs]
        mx = max(map(len, t))
        ii = torch.tensor([pd(x, ML, tk.pad_token_id) for x in t])
        am = torch.tensor([pd([1] * len(x), mx, 0) for x in t])
        return ii, am, torch.tensor([g for _, g in rs])

    class H(nn.Module):
        def __init__(s, c, k):
            super().__init__()
            s.enc, s.pj = BertModel(c), nn.Linear(c.hidden_size, k)

        def forward(s, ii, am):
            h = s.enc(input_ids=ii, attention_mask=am).last_hidden_state
            w = am.unsqueeze(-1).to(h.dtype)
            return s.pj((h * w).sum(1) / w.sum(1))

    m = H(cf, len(G)); op = torch.optim.Adam(m.parameters(), lr=1e-3)
    tr, te = S[:9], S[9:]
    ev = lambda: (lambda ii, am, y: (m(ii, am).argmax(-1) == y).float().mean().item())(*bt(te))
    for ep in range(5):
        random.shuffle(tr); m.train(); ls = []
        for i in range(0, len(tr), 3):
            ii, am, y = bt(tr[i:i + 3])
            l = F.cross_entropy(m(ii, am), y)
            op.zero_grad(); l.backward(); op.step(); ls.append(l.item())
        m.eval()
        with torch.no_grad(): a = ev()
        print(f"epoch {ep}: loss={sum(ls) / len(ls):.4f} acc={a:.2f}")
    with torch.no_grad():
        ii, am, _ = bt(te)
        print("test:", [G[i] for i in m(ii, am).argmax(-1).tolist()])


if __name__ == "__main__":
    main()
