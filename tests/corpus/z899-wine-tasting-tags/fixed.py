# tag spans in sommelier tasting notes (grape / region / aroma / vintage)
# small BiGRU tagger, plain torch, just to see if the idea works
import random

import torch
import torch.nn as nn

if __name__ == "__main__":
    random.seed(5)
    torch.manual_seed(5)

    # word/TAG pairs, hand annotated
    raw = [
        "2016/VIN nebbiolo/GRAPE from/O barolo/REG shows/O tar/ARO and/O roses/ARO",
        "crisp/O albarino/GRAPE rias/REG baixas/REG with/O saline/ARO lime/ARO",
        "the/O 2019/VIN riesling/GRAPE mosel/REG petrol/ARO green/ARO apple/ARO notes/O",
        "syrah/GRAPE northern/REG rhone/REG black/ARO olive/ARO and/O smoked/ARO meat/ARO finish/O",
        "grenache/GRAPE from/O priorat/REG 2015/VIN garrigue/ARO kirsch/ARO",
        "bright/O gamay/GRAPE morgon/REG 2020/VIN crushed/ARO raspberry/ARO",
        "chenin/GRAPE blanc/GRAPE vouvray/REG honeyed/ARO quince/ARO lanolin/ARO",
        "old/O vine/O zinfandel/GRAPE lodi/REG jammy/ARO bramble/ARO 2018/VIN",
    ]
    TAGS = ["O", "GRAPE", "REG", "ARO", "VIN"]
    tmp = [[p.rsplit("/", 1) for p in line.split()] for line in raw]
    print("DEBUG", tmp[0][:3])

    words = sorted({w for s in tmp for w, _ in s})
    w2i = {w: i + 2 for i, w in enumerate(words)}  # 0 pad, 1 unk
    t2i = {t: i for i, t in enumerate(TAGS)}
    print("DEBUG vocab", len(w2i) + 2, "tags", len(t2i))

    L = max(len(s) for s in tmp)
    x = torch.zeros(len(tmp), L, dtype=torch.long)
    y = torch.full((len(tmp), L), -100, dtype=torch.long)
    for r, s in enumerate(tmp):
        for c, (w, t) in enumerate(s):
            x[r, c] = w2i.get(w, 1)
            y[r, c] = t2i[t]
    print("DEBUG", x.shape, y.shape)

    emb = nn.Embedding(len(w2i) + 2, 32, padding_idx=0)
    rnn = nn.GRU(32, 32, batch_first=True, bidirectional=True)
    proj = nn.Linear(64, len(TAGS))
    params = list(emb.parameters()) + list(rnn.parameters()) + list(proj.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    crit = nn.CrossEntropyLoss(ignore_index=-100)

    bs = 4
    for ep in range(15):
        tmp = torch.randperm(x.size(0))
        tot = 0.0
        for b in range(0, x.size(0), bs):
            x2 = x[tmp[b:b + bs]]
            out_ = emb(x2)
            out_, _ = rnn(out_)
            out_ = proj(out_)
            if ep == 0 and b == 0:
                print("DEBUG logits", out_.shape)
            x2 = y[tmp[b:b + bs]]
            loss = crit(out_.permute(0, 2, 1), x2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
        if ep % 5 == 0:
            print(f"ep {ep} loss {tot:.3f}")

    test = "2017/VIN tempranillo/GRAPE rioja/REG vanilla/ARO leather/ARO"
    tmp = [p.rsplit("/", 1)[0] for p in test.split()]
    x2 = torch.tensor([[w2i.get(w, 1) for w in tmp]])
    with torch.no_grad():
        out_ = proj(rnn(emb(x2))[0]).argmax(-1)[0]
    print("DEBUG", out_.shape)
    for w, t in zip(tmp, out_.tolist()):
        print(f"{w:<12} {TAGS[t]}")
