"""BiLSTM morphological feature tagger (UniMorph-style bundles) for a
synthetic agglutinative language. Words are tagged with a full feature bundle,
e.g. N;ILL;PL or V;PST;3;SG.
"""
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)


@dataclass
class TaggerConfig:
    emb_dim: int = 48
    char_dim: int = 16
    hidden: int = 64
    dropout: float = 0.2
    batch_size: int = 16
    epochs: int = 3
    lr: float = 2e-3
    tag_pad: int = -100


NOUN_CASES = {"NOM": "", "GEN": "n", "ILL": "hen", "INE": "ssa", "ELA": "sta", "ADE": "lla"}
NUMBERS = {"SG": "", "PL": "i"}
VERB_FORMS = {"PRS;1;SG": "n", "PRS;3;SG": "u", "PST;1;SG": "in", "PST;3;SG": "i", "PRS;3;PL": "vat"}

NOUN_STEMS = ["talo", "kala", "metsä", "joki", "kivi", "puu", "kylä", "tie", "järvi", "saari"]
VERB_STEMS = ["luke", "sano", "otta", "anta", "kirjoitta", "puhu", "tule", "mene"]


def inflect_noun(stem):
    case, suf = random.choice(list(NOUN_CASES.items()))
    num, nsuf = random.choice(list(NUMBERS.items()))
    return stem + nsuf + suf, f"N;{case};{num}"


def inflect_verb(stem):
    feats, suf = random.choice(list(VERB_FORMS.items()))
    return stem + suf, f"V;{feats}"


def make_sentence():
    toks, tags = [], []
    for _ in range(random.randint(3, 12)):
        if random.random() < 0.65:
            w, t = inflect_noun(random.choice(NOUN_STEMS))
        else:
            w, t = inflect_verb(random.choice(VERB_STEMS))
        toks.append(w)
        tags.append(t)
    return toks, tags


class UniMorphDataset(Dataset):
    def __init__(self, sentences, word2id=None, tag2id=None):
        self.sentences = sentences
        if word2id is None:
            words = sorted({w for s, _ in sentences for w in s})
            word2id = {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(words)}}
        if tag2id is None:
            tags = sorted({t for _, ts in sentences for t in ts})
            tag2id = {t: i for i, t in enumerate(tags)}
        self.word2id, self.tag2id = word2id, tag2id

    def __len__(self):
        return len(self.sentences)

    def __getitem__(self, idx):
        toks, tags = self.sentences[idx]
        w = torch.tensor([self.word2id.get(t, 1) for t in toks])
        y = torch.tensor([self.tag2id[t] for t in tags])
        return w, y


def collate_tagged(batch, tag_pad=-100):
    words, tags = zip(*batch)
    lengths = torch.tensor([len(w) for w in words])
    return {
        "words": pad_sequence(words, batch_first=True, padding_value=0),
        "tags": pad_sequence(tags, batch_first=True, padding_value=tag_pad),
        "lengths": lengths,
    }


class MorphTagger(nn.Module):
    def __init__(self, n_words, n_tags, cfg: TaggerConfig):
        super().__init__()
        self.emb = nn.Embedding(n_words, cfg.emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(cfg.emb_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(cfg.dropout)
        self.proj = nn.Linear(2 * cfg.hidden, n_tags)
        self.criterion = nn.CrossEntropyLoss(ignore_index=cfg.tag_pad)

    def forward(self, words, lengths):
        x = self.drop(self.emb(words))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=words.size(1))
        return self.proj(self.drop(out))

    def loss(self, batch):
        emissions = self(batch["words"], batch["lengths"])
        return self.criterion(emissions.transpose(1, 2), batch["tags"]), emissions


def accuracy(emissions, gold, pad):
    mask = gold != pad
    return (emissions.argmax(-1)[mask] == gold[mask]).float().mean().item()


def main():
    cfg = TaggerConfig()
    data = [make_sentence() for _ in range(400)]
    train_ds = UniMorphDataset(data[:320])
    dev_ds = UniMorphDataset(data[320:], train_ds.word2id, train_ds.tag2id)
    print(f"{len(train_ds.word2id)} word types, {len(train_ds.tag2id)} feature bundles")

    collate = lambda b: collate_tagged(b, cfg.tag_pad)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    dev_dl = DataLoader(dev_ds, batch_size=cfg.batch_size, collate_fn=collate)

    model = MorphTagger(len(train_ds.word2id), len(train_ds.tag2id), cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for batch in train_dl:
            loss, _ = model.loss(batch)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            losses.append(loss.item())

        model.eval()
        accs = []
        with torch.no_grad():
            for batch in dev_dl:
                _, em = model.loss(batch)
                accs.append(accuracy(em, batch["tags"], cfg.tag_pad))
        print(f"epoch {epoch} loss {np.mean(losses):.3f} dev acc {np.mean(accs):.3f}")


if __name__ == "__main__":
    main()
