"""Morphological gloss tagger trained on interlinear glossed text (IGT).

Each record has a transcription line and a gloss line (Leipzig-style bundles
such as 'N.PL.ERG'); we predict one gloss bundle per word.
"""
import json
import os
import random
import unicodedata

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
IGT_PATH = os.path.join(HERE, "igt_corpus.jsonl")
PUNCT = {",", ".", "?", "!", ";", ":", "«", "»"}

CONFIG = {
    "emb_dim": 48,
    "hidden": 64,
    "batch_size": 16,
    "epochs": 3,
    "lr": 2e-3,
    "min_freq": 1,
}

STEMS = {"tsar": "N", "uk'a": "N", "mok": "N", "ber": "V", "qal": "V", "xin": "ADJ", "dal": "V", "saw": "N"}
SUFFIXES = {
    "N": [("", "SG.ABS"), ("-ni", "SG.ERG"), ("-bi", "PL.ABS"), ("-bazi", "PL.ERG"), ("-la", "SG.DAT")],
    "V": [("-ra", "PST"), ("-si", "PRS"), ("-qo", "FUT"), ("-ra-n", "PST.3SG")],
    "ADJ": [("", "ATTR"), ("-w", "PRED")],
}


def write_fake_corpus(path, n_sents=400):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n_sents):
            words, glosses = [], []
            for _ in range(random.randint(3, 11)):
                stem = random.choice(list(STEMS))
                pos = STEMS[stem]
                suf, feats = random.choice(SUFFIXES[pos])
                words.append(stem + suf)
                glosses.append(f"{pos}.{feats}")
                if random.random() < 0.15:
                    words.append(random.choice([",", ";"]))
                    glosses.append("PUNCT")
            words.append(random.choice([".", "?", "!"]))
            glosses.append("PUNCT")
            f.write(json.dumps({"id": f"s{i:04d}", "text": " ".join(words), "gloss": " ".join(glosses)}, ensure_ascii=False) + "\n")


def normalize_word(w):
    return unicodedata.normalize("NFC", w.lower()).replace("ʼ", "'")


def load_igt(path):
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            pairs = [(w, g) for w, g in zip(rec["text"].split(), rec["gloss"].split()) if w not in PUNCT]
            words = [normalize_word(w) for w, _ in pairs]
            glosses = [g for _, g in pairs]
            records.append({"id": rec["id"], "words": words, "glosses": glosses})
    return records


class Vocab:
    def __init__(self, items, specials=("<pad>", "<unk>")):
        self.itos = list(specials) + sorted(set(items) - set(specials))
        self.stoi = {s: i for i, s in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, seq):
        return [self.stoi.get(s, 1) for s in seq]


class IGTDataset(Dataset):
    def __init__(self, records, word_vocab, gloss_vocab):
        self.records = records
        self.word_vocab = word_vocab
        self.gloss_vocab = gloss_vocab

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        word_ids = torch.tensor(self.word_vocab.encode(rec["words"]), dtype=torch.long)
        tag_ids = torch.tensor([self.gloss_vocab.stoi[g] for g in rec["glosses"]], dtype=torch.long)
        return word_ids, tag_ids


def collate_igt(batch):
    word_ids, tag_ids = zip(*batch)
    words = pad_sequence(word_ids, batch_first=True, padding_value=0)
    tags = pad_sequence(tag_ids, batch_first=True, padding_value=-100)
    return words, tags


class GlossTagger(nn.Module):
    def __init__(self, n_words, n_tags, emb_dim, hidden):
        super().__init__()
        self.emb = nn.Embedding(n_words, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, words):
        h, _ = self.lstm(self.emb(words))
        return self.out(h)


def run_epoch(model, loader, opt, loss_fn, n_tags):
    model.train()
    total, n = 0.0, 0
    for words, tags in loader:
        logits = model(words)
        loss = loss_fn(logits.view(-1, n_tags), tags.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
        n += 1
    return total / max(n, 1)


def main():
    if not os.path.exists(IGT_PATH):
        write_fake_corpus(IGT_PATH)
    records = load_igt(IGT_PATH)
    split = int(0.9 * len(records))
    train_recs, dev_recs = records[:split], records[split:]

    word_vocab = Vocab(w for r in train_recs for w in r["words"])
    gloss_vocab = Vocab((g for r in records for g in r["glosses"]), specials=())
    print(f"{len(word_vocab)} word types, {len(gloss_vocab)} gloss bundles")

    train_dl = DataLoader(IGTDataset(train_recs, word_vocab, gloss_vocab), batch_size=CONFIG["batch_size"],
                          shuffle=True, collate_fn=collate_igt)
    model = GlossTagger(len(word_vocab), len(gloss_vocab), CONFIG["emb_dim"], CONFIG["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(CONFIG["epochs"]):
        loss = run_epoch(model, train_dl, opt, loss_fn, len(gloss_vocab))
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for rec in dev_recs:
                w = torch.tensor([word_vocab.encode(rec["words"])])
                pred = model(w).argmax(-1)[0].tolist()
                gold = [gloss_vocab.stoi[g] for g in rec["glosses"]]
                correct += sum(p == g for p, g in zip(pred, gold))
                total += len(gold)
        print(f"epoch {epoch}: train loss {loss:.3f}  dev gloss acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
