# herbarium digitisation: guess plant family from the OCR'd label text on a sheet
# bag-of-words prototype, plain torch
import random

import torch
import torch.nn as nn

if __name__ == "__main__":
    random.seed(3)
    torch.manual_seed(3)

    train = [
        ("umbels white, stems hollow, ditch margin", "Apiaceae"),
        ("umbel compound, fruit ribbed, aromatic leaves", "Apiaceae"),
        ("pea flowers purple, pods hairy, roadside verge", "Fabaceae"),
        ("trifoliate leaves, pod twisted, chalk grassland", "Fabaceae"),
        ("ray florets yellow, involucre bracts, waste ground", "Asteraceae"),
        ("capitulum purple, pappus white, coastal cliff", "Asteraceae"),
        ("corolla lipped, stem square, damp woodland", "Lamiaceae"),
        ("square stem, aromatic, whorled flowers blue", "Lamiaceae"),
        ("pods with long beak, four petals yellow, arable field", "Brassicaceae"),
        ("four petals white, silicula round, wall top", "Brassicaceae"),
    ]
    fam = sorted({f for _, f in train})
    print("DEBUG families", fam)

    tmp = sorted({w for t, _ in train for w in t.replace(",", " ").split()})
    vocab = {w: i + 1 for i, w in enumerate(tmp)}  # 0 = unknown
    print("DEBUG vocab", len(vocab))
    enc = lambda s: [vocab.get(w, 0) for w in s.replace(",", " ").split()]

    x = [enc(t) for t, _ in train]
    offs = torch.tensor([0] + [len(t) for t in x[:-1]]).cumsum(0)
    x = torch.tensor([i for t in x for i in t])
    y = torch.tensor([fam.index(f) for _, f in train])
    print("DEBUG", x.shape, offs.shape, y.shape)

    emb = nn.EmbeddingBag(len(vocab) + 1, 24, mode="mean")
    clf = nn.Linear(24, len(fam))
    opt = torch.optim.Adam(list(emb.parameters()) + list(clf.parameters()), lr=0.05)
    for ep in range(40):
        out_ = clf(emb(x, offs))
        loss = nn.functional.cross_entropy(out_, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if ep % 10 == 0:
            print(f"ep {ep} loss {loss.item():.3f}")

    # new batch from the scanner; some labels come back nearly empty from OCR
    sheets = [
        ("K000123", "umbels white, fruit ribbed, river bank"),
        ("K000124", "pea flowers yellow, pods hairy"),
        ("K000125", "%%"),
        ("K000126", "stem square, corolla lipped, hedge"),
        ("K000127", "ray florets white, pappus, dune slack"),
        ("K000128", ""),
        ("K000129", "four petals yellow, silicula, arable margin"),
    ]
    ok = [s for s in sheets if len(s[1].split()) >= 3]
    print("DEBUG kept", len(ok), "of", len(sheets))

    x = [enc(t) for _, t in ok]
    offs = torch.tensor([0] + [len(t) for t in x[:-1]]).cumsum(0)
    x = torch.tensor([i for t in x for i in t])
    print("DEBUG", x.shape, offs.shape)
    with torch.no_grad():
        out_ = clf(emb(x, offs)).softmax(-1)
    x2, pred = out_.max(-1)
    print("DEBUG", pred.shape, x2.shape)

    tmp = {}
    for i in range(len(sheets)):
        bc = sheets[i][0]
        tmp[bc] = (fam[pred[i].item()], round(x2[i].item(), 3))
        print(bc, "->", tmp[bc])
    print("DEBUG done", len(tmp))
