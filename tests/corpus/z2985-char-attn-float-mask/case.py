import random
from dataclasses import dataclass, field
from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(13)
torch.manual_seed(13)

ROOTS = ["tak", "mil", "sor", "pen", "kut", "wal", "dim", "hes", "ron", "bal", "nek", "lis"]
AFFIXES = {
    "Case=Nom|Number=Sing": "",
    "Case=Acc|Number=Sing": "ti",
    "Case=Nom|Number=Plur": "lar",
    "Case=Acc|Number=Plur": "larti",
    "Case=Loc|Number=Sing": "da",
    "Tense=Past": "dim",
    "Tense=Pres": "ir",
}


def build_treebank(n):
    out = []
    for s in range(n):
        lines = [f"# sent_id = mt-{s}", "# text = ..."]
        length = random.randint(3, 9)
        for i in range(1, length + 1):
            feats = random.choice(list(AFFIXES))
            form = random.choice(ROOTS) + AFFIXES[feats]
            upos = "VERB" if feats.startswith("Tense") else "NOUN"
            lines.append("\t".join([str(i), form, form[:3], upos, "_", feats, "0", "dep", "_", "_"]))
        out.append("\n".join(lines))
    return "\n\n".join(out)


@dataclass
class Sentence:
    forms: List[str] = field(default_factory=list)
    feats: List[str] = field(default_factory=list)


def parse(raw: str) -> List[Sentence]:
    sents, cur = [], Sentence()
    for line in raw.splitlines() + [""]:
        line = line.strip()
        if not line:
            if cur.forms:
                sents.append(cur)
            cur = Sentence()
        elif not line.startswith("#"):
            c = line.split("\t")
            cur.forms.append(c[1])
            cur.feats.append(c[5])
    return sents


sentences = parse(build_treebank(120))
train_sents, dev_sents = sentences[:100], sentences[100:]

word_vocab: Dict[str, int] = {"<pad>": 0, "<unk>": 1}
char_vocab: Dict[str, int] = {"<pad>": 0, "<unk>": 1}
feat_vocab: Dict[str, int] = {}
for s in train_sents:
    for w, f in zip(s.forms, s.feats):
        word_vocab.setdefault(w, len(word_vocab))
        feat_vocab.setdefault(f, len(feat_vocab))
        for ch in w:
            char_vocab.setdefault(ch, len(char_vocab))


class MorphDataset(Dataset):
    def __init__(self, sents):
        self.sents = sents

    def __len__(self):
        return len(self.sents)

    def __getitem__(self, i):
        s = self.sents[i]
        return {
            "words": [word_vocab.get(w, 1) for w in s.forms],
            "chars": [[char_vocab.get(c, 1) for c in w] for w in s.forms],
            "feats": [feat_vocab[f] for f in s.feats],
        }


def collate(items):
    B = len(items)
    T = max(len(it["words"]) for it in items)
    C = max(len(cs) for it in items for cs in it["chars"])
    words = torch.zeros(B, T, dtype=torch.long)
    chars = torch.zeros(B, T, C, dtype=torch.long)
    char_mask = torch.zeros(B, T, C)
    feats = torch.full((B, T), -100, dtype=torch.long)
    for b, it in enumerate(items):
        n = len(it["words"])
        words[b, :n] = torch.tensor(it["words"])
        feats[b, :n] = torch.tensor(it["feats"])
        for t, cs in enumerate(it["chars"]):
            chars[b, t, :len(cs)] = torch.tensor(cs)
            char_mask[b, t, :len(cs)] = 1
    return {"words": words, "chars": chars, "char_mask": char_mask, "feats": feats}


class CharAttnEncoder(nn.Module):
    def __init__(self, n_chars, dim):
        super().__init__()
        self.emb = nn.Embedding(n_chars, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.score = nn.Linear(2 * dim, 1)

    def forward(self, chars, char_mask):
        B, T, C = chars.shape
        x = self.emb(chars.view(B * T, C))
        h, _ = self.rnn(x)
        a = self.score(h).squeeze(-1)
        m = char_mask.view(B * T, C)
        a = a.masked_fill(m == 0, -1e4)
        a = torch.softmax(a, dim=-1)
        pooled = torch.einsum("nc,ncd->nd", a, h)
        return pooled.view(B, T, -1)


class FeatsTagger(nn.Module):
    def __init__(self, n_words, n_chars, n_feats, wdim=48, cdim=24, hdim=64):
        super().__init__()
        self.wemb = nn.Embedding(n_words, wdim, padding_idx=0)
        self.chars = CharAttnEncoder(n_chars, cdim)
        self.lstm = nn.LSTM(wdim + 2 * cdim, hdim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hdim, n_feats)

    def forward(self, words, chars, char_mask):
        x = torch.cat([self.wemb(words), self.chars(chars, char_mask)], dim=-1)
        word_pad = char_mask[..., 0]
        x = x.masked_fill(word_pad.unsqueeze(-1) == 0, 0.0)
        h, _ = self.lstm(x)
        h = F.dropout(h, 0.2, self.training)
        logits = self.out(h)
        return logits.masked_fill(~word_pad.unsqueeze(-1), 0.0)


model = FeatsTagger(len(word_vocab), len(char_vocab), len(feat_vocab))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
train_dl = DataLoader(MorphDataset(train_sents), batch_size=16, shuffle=True, collate_fn=collate)
dev_dl = DataLoader(MorphDataset(dev_sents), batch_size=16, collate_fn=collate)

for epoch in range(4):
    model.train()
    for batch in train_dl:
        logits = model(batch["words"], batch["chars"], batch["char_mask"])
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch["feats"].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    hit = tot = 0
    with torch.no_grad():
        for batch in dev_dl:
            pred = model(batch["words"], batch["chars"], batch["char_mask"]).argmax(-1)
            gold = batch["feats"]
            ok = gold != -100
            hit += (pred[ok] == gold[ok]).sum().item()
            tot += ok.sum().item()
    print(f"epoch {epoch}: loss={loss.item():.3f} dev FEATS acc={hit / tot:.3f}")
