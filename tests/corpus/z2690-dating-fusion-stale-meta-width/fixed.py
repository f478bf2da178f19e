# dating model for the archaeology store: guess the period bucket of an object
# from its free-text description + the physical measurement columns
# (bert is tiny + random for now, real checkpoint later)
import os
import random
from dataclasses import dataclass
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(21)
np.random.seed(21)
torch.manual_seed(21)

here = os.path.dirname(os.path.abspath(__file__))
vocab_path = os.path.join(here, "desc_vocab.txt")

PERIODS = ["neolithic", "bronze_age", "iron_age", "roman", "early_medieval", "medieval", "post_medieval"]
META_FIELDS = ["height_cm", "width_cm", "depth_cm", "weight_g", "n_fragments"]

DESC_WORDS = ["sherd", "rim", "base", "body", "handle", "of", "a", "jar", "bowl", "beaker", "amphora",
              "with", "incised", "stamped", "cord", "impressed", "decoration", "glazed", "green", "red",
              "black", "burnished", "fabric", "coarse", "fine", "sandy", "grog", "tempered", "brooch",
              "pin", "copper", "alloy", "iron", "fragment", "worn", "corroded", "flint", "scraper",
              "blade", "pierced", "from", "ditch", "pit", "fill", "topsoil", "context"]


@dataclass
class RunCfg:
    hidden: int = 32
    n_meta: int = len(META_FIELDS)
    n_periods: int = len(PERIODS)
    max_len: int = 24
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 2


def write_vocab():
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + DESC_WORDS
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return len(toks)


def fake_find(i):
    n = random.randint(4, 12)
    desc = " ".join(random.choice(DESC_WORDS) for _ in range(n))
    rec = {"find_no": "SF%04d" % i, "desc": desc, "period": random.choice(PERIODS)}
    rec["height_cm"] = random.uniform(0.5, 30)
    rec["width_cm"] = random.uniform(0.5, 25)
    rec["depth_cm"] = random.uniform(0.2, 10)
    rec["weight_g"] = random.uniform(1, 900)
    rec["n_fragments"] = random.randint(1, 14)
    return rec


def batches(recs, tok, cfg, mu, sd, shuffle=True):
    order = list(range(len(recs)))
    if shuffle:
        random.shuffle(order)
    for s in range(0, len(order), cfg.batch_size):
        chunk = [recs[j] for j in order[s:s + cfg.batch_size]]
        enc = tok([r["desc"] for r in chunk], padding="max_length", truncation=True,
                  max_length=cfg.max_len, return_tensors="pt")
        meta = np.array([[r[f] for f in META_FIELDS] for r in chunk], dtype=np.float32)
        meta = (meta - mu) / sd
        y = torch.tensor([PERIODS.index(r["period"]) for r in chunk])
        yield enc["input_ids"], enc["attention_mask"], torch.from_numpy(meta), y


class FusionDater(nn.Module):
    def __init__(self, bert_cfg, cfg):
        super().__init__()
        self.enc = BertModel(bert_cfg)
        self.head = nn.Sequential(
            nn.Linear(cfg.hidden + cfg.n_meta, 64),
            nn.GELU(),
            nn.Linear(64, cfg.n_periods),
        )

    def forward(self, ids, mask, meta):
        pooled = self.enc(input_ids=ids, attention_mask=mask).pooler_output
        z = torch.cat([pooled, meta], dim=1)
        return self.head(z)


def main():
    cfg = RunCfg()
    print(cfg)
    vs = write_vocab()
    tok = BertTokenizer(vocab_path)
    finds = [fake_find(i) for i in range(120)]
    print(finds[0])
    train_finds = finds[:96]
    test_finds = finds[96:]

    arr = np.array([[r[f] for f in META_FIELDS] for r in train_finds], dtype=np.float32)
    mu = arr.mean(axis=0)
    sd = arr.std(axis=0) + 1e-6
    print("meta mean", mu)
    print("meta std", sd)

    bcfg = BertConfig(vocab_size=vs, hidden_size=cfg.hidden, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=64)
    model = FusionDater(bcfg, cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    lossf = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for k, (ids, msk, meta, y) in enumerate(batches(train_finds, tok, cfg, mu, sd)):
            if epoch == 0 and k == 0:
                print("ids", ids.shape, "meta", meta.shape, "y", y.shape)
            out = model(ids, msk, meta)
            loss = lossf(out, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print("epoch", epoch, "mean loss", sum(losses) / len(losses))

    model.eval()
    hits = 0
    with torch.no_grad():
        for ids, msk, meta, y in batches(test_finds, tok, cfg, mu, sd, shuffle=False):
            p = model(ids, msk, meta).argmax(1)
            hits += (p == y).sum().item()
    print("test acc", hits / len(test_finds))


if __name__ == "__main__":
    main()
