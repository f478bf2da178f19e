import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(7)
torch.manual_seed(7)

CFG = {
    "d_model": 64,
    "nhead": 4,
    "layers": 2,
    "ff": 128,
    "dropout": 0.1,
    "max_len": 32,
    "batch_size": 16,
    "epochs": 2,
    "lr": 3e-4,
}

ROMAN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e",
    "є": "ye", "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", " ": " ", "-": "-",
}
CONS = list("бвгґджзйклмнпрстфхцчшщ")
VOWS = list("аеєиіїоуюя")


def romanize(word):
    return "".join(ROMAN[c] for c in word)


def fake_word(n_syll):
    return "".join(random.choice(CONS) + random.choice(VOWS) for _ in range(n_syll))


def build_lexicon(n_words=300, n_toponyms=40):
    entries = []
    for _ in range(n_words):
        w = fake_word(random.randint(2, 4))
        entries.append((w, romanize(w)))
    # multiword toponyms from the gazetteer, e.g. "X-Y nad Z"
    for _ in range(n_toponyms):
        parts = [fake_word(random.randint(2, 4)) for _ in range(random.randint(2, 4))]
        w = "-".join(parts[:2]) + ("" if len(parts) == 2 else " " + " ".join(parts[2:]))
        entries.append((w, romanize(w)))
    random.shuffle(entries)
    return entries


class CharVocab:
    PAD, BOS, EOS = 0, 1, 2

    def __init__(self, strings):
        chars = sorted({c for s in strings for c in s})
        self.itos = ["<pad>", "<s>", "</s>"] + chars
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def encode(self, s, add_bos=False):
        ids = [self.stoi[c] for c in s] + [self.EOS]
        return [self.BOS] + ids if add_bos else ids

    def __len__(self):
        return len(self.itos)


class TranslitData(Dataset):
    def __init__(self, pairs, src_vocab, tgt_vocab):
        self.pairs = pairs
        self.sv, self.tv = src_vocab, tgt_vocab

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        src, tgt = self.pairs[i]
        return self.sv.encode(src), self.tv.encode(tgt, add_bos=True)


def pad_batch(batch):
    srcs, tgts = zip(*batch)
    S, T = max(map(len, srcs)), max(map(len, tgts))
    src = torch.zeros(len(batch), S, dtype=torch.long)
    tgt = torch.zeros(len(batch), T, dtype=torch.long)
    for i, (s, t) in enumerate(zip(srcs, tgts)):
        src[i, : len(s)] = torch.tensor(s)
        tgt[i, : len(t)] = torch.tensor(t)
    return src, tgt


class Transliterator(nn.Module):
    def __init__(self, n_src, n_tgt, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.src_emb = nn.Embedding(n_src, d, padding_idx=0)
        self.tgt_emb = nn.Embedding(n_tgt, d, padding_idx=0)
        self.pos = nn.Embedding(cfg["max_len"], d)
        self.core = nn.Transformer(
            d_model=d, nhead=cfg["nhead"], num_encoder_layers=cfg["layers"],
            num_decoder_layers=cfg["layers"], dim_feedforward=cfg["ff"],
            dropout=cfg["dropout"], batch_first=True,
        )
        self.out = nn.Linear(d, n_tgt)

    def embed(self, ids, table):
        positions = torch.arange(ids.size(1), device=ids.device)
        return table(ids) + self.pos(positions)[None]

    def forward(self, src, tgt_in):
        T = tgt_in.size(1)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool, device=tgt_in.device), diagonal=1)
        h = self.core(
            self.embed(src, self.src_emb), self.embed(tgt_in, self.tgt_emb),
            tgt_mask=causal,
            src_key_padding_mask=src.eq(0), tgt_key_padding_mask=tgt_in.eq(0),
            memory_key_padding_mask=src.eq(0),
        )
        return self.out(h)


def main():
    pairs = build_lexicon()
    split = int(0.9 * len(pairs))
    train_pairs, dev_pairs = pairs[:split], pairs[split:]
    sv = CharVocab([s for s, _ in pairs])
    tv = CharVocab([t for _, t in pairs])

    train_dl = DataLoader(TranslitData(train_pairs, sv, tv), batch_size=CFG["batch_size"],
                          shuffle=True, collate_fn=pad_batch)
    dev_dl = DataLoader(TranslitData(dev_pairs, sv, tv), batch_size=CFG["batch_size"],
                        collate_fn=pad_batch)

    model = Transliterator(len(sv), len(tv), CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    crit = nn.CrossEntropyLoss(ignore_index=CharVocab.PAD)

    for epoch in range(CFG["epochs"]):
        model.train()
        total = 0.0
        for src, tgt in train_dl:
            tgt_in, tgt_out = tgt[:, :-1], tgt[:, 1:]
            logits = model(src, tgt_in)
            loss = crit(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        model.eval()
        with torch.no_grad():
            dev_loss = sum(
                crit(model(s, t[:, :-1]).flatten(0, 1), t[:, 1:].flatten()).item()
                for s, t in dev_dl
            ) / len(dev_dl)
        print(f"epoch {epoch}: train {total / len(train_dl):.3f}  dev {dev_loss:.3f}")


if __name__ == "__main__":
    main()
