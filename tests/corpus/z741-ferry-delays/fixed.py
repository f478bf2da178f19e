import os, random, tempfile, torch, torch.nn as nn
from functools import partial
from transformers import BertConfig, BertModel, BertTokenizer


def main():
    random.seed(3); torch.manual_seed(3)
    K = ["weather", "mechanical", "crew", "harbour_traffic"]
    R = [
        ("dense fog at the harbour mouth, departure held forty minutes", 0),
        ("gale warning, swell over two metres, crossing postponed", 0),
        ("ice on the ramp, loading slowed until gritted", 0),
        ("bow thruster fault, engineer called out before sailing", 1),
        ("ramp hydraulics leaking, vehicle deck closed for repair", 1),
        ("port engine overheating, reduced speed on the crossing", 1),
        ("relief master late from the mainland, minimum crew not met", 2),
        ("deckhand sick, sailing delayed until cover arrived", 2),
        ("crew hours exceeded after the night run, rest break required", 2),
        ("cargo ship blocking the berth, waited for the pilot", 3),
        ("tug assisting a tanker in the channel, held outside the harbour", 3),
        ("berth occupied by the late evening sailing, queued offshore", 3),
        ("fog lifted late, first sailing departed an hour behind", 0),
        ("steering alarm on the bridge, inspection before departure", 1),
        ("missing crew member, port authority check before sailing", 2),
        ("pilot boat delayed, channel closed for a tanker movement", 3),
    ]
    tz0 = lambda s: s.lower().replace(",", " ").split()
    W = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for s, _ in R for w in tz0(s)})
    dr = tempfile.mkdtemp(); vp = os.path.join(dr, "vocab.txt")
    with open(vp, "w") as f: f.write("\n".join(W) + "\n")
    tk = BertTokenizer(vp)
    cf = BertConfig(vocab_size=len(W), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, hidden_dropout_prob=.1)
    print(f"vocab={tk.vocab_size} reports={len(R)} classes={len(K)}")

    class Q(nn.Module):
        def __init__(s, c, k):
            super().__init__()
            s.bb, s.hd = BertModel(c), nn.Sequential(nn.Dropout(.1), nn.Linear(c.hidden_size, k))

        def forward(s, ii, am):
            return s.hd(s.bb(input_ids=ii, attention_mask=am).last_hidden_state[:, 0])

    def co(b, pi):
        r = [tk(s)["input_ids"] for s, _ in b]
        L = max(map(len, r))
        P = torch.zeros(len(r), L, dtype=torch.long) + pi
        A = torch.zeros(len(r), L, dtype=torch.long)
        for i, t in enumerate(r): P[i, :len(t)], A[i, :len(t)] = torch.tensor(t), 1
        return {"ii": P, "am": A}, torch.tensor([y for _, y in b])

    cl = partial(co, pi=tk.pad_token_id)
    ld = lambda d, bs, sh: (cl(d[i:i + bs]) for i in range(0, len(d), bs)) if not sh else \
        (lambda e: (cl(e[i:i + bs]) for i in range(0, len(e), bs)))(random.sample(d, len(d)))

    m = Q(cf, len(K)); op = torch.optim.AdamW(m.parameters(), lr=5e-4); lf = nn.CrossEntropyLoss()
    tr, va = R[:12], R[12:]
    for ep in range(4):
        m.train(); tl, n = 0., 0
        for bx, y in ld(tr, 4, True):
            l = lf(m(**bx), y); op.zero_grad(); l.backward(); op.step()
            tl, n = tl + l.item(), n + 1
        m.eval()
        with torch.no_grad():
            pr = torch.cat([m(**bx).argmax(-1) for bx, _ in ld(va, 4, False)])
        ac = (pr == torch.tensor([y for _, y in va])).float().mean().item()
        print(f"ep {ep} loss {tl / n:.4f} val_acc {ac:.2f}")
    print("pred:", [K[i] for i in pr.tolist()])


if __name__ == "__main__":
    main()
