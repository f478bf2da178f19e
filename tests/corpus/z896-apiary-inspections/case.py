# quick prototype: classify hive inspection notes into colony status
# (queenright / queenless / swarm prep) with a tiny BERT trained from scratch
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

if __name__ == "__main__":
    random.seed(7)
    torch.manual_seed(7)

    notes = [
        "eggs and young larvae seen on three frames, queen spotted, calm bees",
        "no eggs, no queen, loud roaring, emergency cells on frame four",
        "queen cups charged along bottom bars, brood nest crowded, drones flying",
        "capped brood pattern solid, marked queen seen",
        "laying workers suspected, multiple eggs per cell, no queen found",
        "swarm cells capped, bees bearding at entrance, hive heavy with nectar",
        "fresh eggs, good temper, supers half full",
        "queenless, bees agitated, pollen stored but no brood",
        "many queen cells on face of comb, old queen still present",
        "queen seen, small patch of eggs, light flow",
    ]
    status = ["queenright", "queenless", "swarm", "queenright", "queenless",
              "swarm", "queenright", "queenless", "swarm", "queenright"]
    lab2id = {k: i for i, k in enumerate(sorted(set(status)))}
    print("DEBUG", lab2id)

    # vocab straight from the notes, good enough for a prototype
    tmp = sorted({w for n in notes for w in n.lower().replace(",", " ").split()})
    out_ = tempfile.mkdtemp()
    with open(os.path.join(out_, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tmp) + "\n")
    tok = BertTokenizer(os.path.join(out_, "vocab.txt"))
    print("DEBUG vocab", len(tok))

    # first look at how long the notes are
    tmp = tok(notes, padding=True, return_tensors="pt")
    print("DEBUG", tmp["input_ids"].shape)
    am = tmp["attention_mask"]
    print("DEBUG lengths", am.sum(1).tolist())

    # fixed length so the batches all look the same later on
    MAXLEN = 32
    x = tok(notes, padding="max_length", truncation=True, max_length=MAXLEN, return_tensors="pt")
    x2 = torch.tensor([lab2id[s] for s in status])
    print("DEBUG", x["input_ids"].shape, x2.shape)

    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    enc = BertModel(cfg)
    head = nn.Linear(cfg.hidden_size, len(lab2id))
    opt = torch.optim.AdamW(list(enc.parameters()) + list(head.parameters()), lr=3e-4)
    lossf = nn.CrossEntropyLoss()

    bs = 4
    idx = list(range(len(notes)))
    for ep in range(3):
        random.shuffle(idx)
        tot = 0.0
        for s in range(0, len(idx), bs):
            tmp = torch.tensor(idx[s:s + bs])
            out_ = enc(input_ids=x["input_ids"][tmp], attention_mask=am[tmp])
            out_ = out_.last_hidden_state[:, 0]
            print("DEBUG", out_.shape)
            out_ = head(out_)
            l = lossf(out_, x2[tmp])
            opt.zero_grad()
            l.backward()
            opt.step()
            tot += l.item()
        print(f"epoch {ep} loss {tot:.4f}")

    enc.eval()
    with torch.no_grad():
        out_ = head(enc(**x).last_hidden_state[:, 0]).argmax(-1)
    id2lab = {v: k for k, v in lab2id.items()}
    for n, p in zip(notes, out_.tolist()):
        print(f"{id2lab[p]:>11} | {n[:50]}")
