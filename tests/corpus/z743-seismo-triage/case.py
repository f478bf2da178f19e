import random, collections, torch, torch.nn as nn, torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence as pk


def main():
    random.seed(2); torch.manual_seed(2)
    T = ["local_quake", "quarry_blast", "cultural_noise", "teleseism"]
    E = [
        "impulsive p onset clear s phase coda decays slowly depth 8 km|0",
        "sharp p arrival s minus p 4 s aftershock sequence follows|0",
        "strong s wave felt reports from village near epicentre|0",
        "emergent onset at 11 52 local weekday near quarry no s wave|1",
        "compressional first motion all stations daytime shallow source|1",
        "rayleigh wave dominant short duration daytime near mine|1",
        "broadband tremor during rush hour traffic on bridge|2",
        "spiky bursts from pump house next to station vault|2",
        "wind noise on surface sensor during storm night|2",
        "long period surface waves arrival far distance large magnitude|3",
        "pkp phase at 140 degrees emergent low frequency|3",
        "distant event long coda low frequency p and s far apart|3",
        "clear p and s phases small local event depth 12 km|0",
        "daytime blast at known quarry compressional first motion|1",
        "train passing station broadband noise burst|2",
        "large distant quake long period waves arrive late|3",
    ]
    D = [(s.split(), int(y)) for s, y in (e.split("|") for e in E)]
    fq = collections.Counter(w for s, _ in D for w in s)
    V = {w: i + 2 for i, (w, _) in enumerate(fq.most_common())}
    ix = lambda s: [V.get(w, 1) for w in s]
    Ed, Hd, K = 16, 24, len(T)
    print(f"events={len(D)} vocab={len(V) + 2} emb={Ed} hid={Hd}")

    class R(nn.Module):
        def __init__(s):
            super().__init__()
            s.em = nn.Embedding(len(V) + 2, Ed, padding_idx=0)
            s.gr = nn.GRU(Ed, Hd, batch_first=True, bidirectional=True)
            s.ln = nn.LayerNorm(2 * Hd)
            s.dp, s.fc = nn.Dropout(.25), nn.Linear(Hd, K)

        def forward(s, x, n):
            _, h = s.gr(pk(s.em(x), n, batch_first=True, enforce_sorted=False))
            return s.fc(s.dp(s.ln(torch.cat([h[-2], h[-1]], -1))))

    def mb(d, bs):
        for i in range(0, len(d), bs):
            c = [ix(s) for s, _ in d[i:i + bs]]; n = torch.tensor(list(map(len, c)))
            x = torch.zeros(len(c), int(n.max()), dtype=torch.long)
            for j, t in enumerate(c): x[j, :len(t)] = torch.tensor(t)
            yield x, n, torch.tensor([y for _, y in d[i:i + bs]])

    m = R(); op = torch.optim.SGD(m.parameters(), lr=.1, momentum=.9)
    tr, ho = D[:12], D[12:]
    for ep in range(6):
        random.shuffle(tr); m.train(); tot = 0.
        for x, n, y in mb(tr, 4):
            l = F.cross_entropy(m(x, n), y); op.zero_grad(); l.backward(); op.step(); tot += l.item() * len(y)
        m.eval()
        with torch.no_grad():
            p = torch.cat([m(x, n).argmax(-1) for x, n, _ in mb(ho, 4)])
        print(f"ep{ep} loss={tot / len(tr):.3f} holdout={[T[i] for i in p.tolist()]}")
    cm = torch.zeros(K, K, dtype=torch.long)
    for a, b in zip([y for _, y in ho], p.tolist()): cm[a, b] += 1
    print("confusion:\n", cm)


if __name__ == "__main__":
    main()
