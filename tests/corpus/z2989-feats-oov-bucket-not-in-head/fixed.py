import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

NOUN_SUFFIX = {"": "Case=Nom|Number=Sing", "lar": "Case=Nom|Number=Plur",
               "ni": "Case=Acc|Number=Sing", "ga": "Case=Dat|Number=Sing",
               "da": "Case=Loc|Number=Sing"}
VERB_SUFFIX = {"di": "Tense=Past", "yapti": "Tense=Pres", "ajak": "Tense=Fut"}
STEMS_N = ["qoz", "bilak", "tumor", "sarin", "ekme"]
STEMS_V = ["kel", "bar", "yoz", "ot"]

DEV_CONLLU = """# sent_id = gold-1
1\tbilakdan\tbilak\tNOUN\t_\tCase=Abl|Number=Sing\t2\tobl\t_\t_
2\tkeldi\tkel\tVERB\t_\tTense=Past\t0\troot\t_\t_

# sent_id = gold-2
1\tqozlar\tqoz\tNOUN\t_\tCase=Nom|Number=Plur\t3\tnsubj\t_\t_
2\tsaringa\tsarin\tNOUN\t_\tCase=Dat|Number=Sing\t3\tobl\t_\t_
3\tbarajak\tbar\tVERB\t_\tTense=Fut\t0\troot\t_\t_
"""


def generate_train(n):
    lines = []
    for k in range(n):
        lines.append(f"# sent_id = auto-{k}")
        toks = []
        for _ in range(random.randint(2, 6)):
            s = random.choice(list(NOUN_SUFFIX))
            stem = random.choice(STEMS_N)
            toks.append((stem + s, stem, "NOUN", NOUN_SUFFIX[s]))
        s = random.choice(list(VERB_SUFFIX))
        stem = random.choice(STEMS_V)
        toks.append((stem + s, stem, "VERB", VERB_SUFFIX[s]))
        for i, (form, lemma, upos, feats) in enumerate(toks, 1):
            lines.append(f"{i}\t{form}\t{lemma}\t{upos}\t_\t{feats}\t0\tdep\t_\t_")
        lines.append("")
    return "\n".join(lines)


def parse(text):
    sent = []
    for line in text.split("\n"):
        line = line.rstrip()
        if line.startswith("#"):
            continue
        if line == "":
            if sent:
                yield sent
                sent = []
            continue
        cols = line.split("\t")
        sent.append({"form": cols[1], "feats": cols[5]})
    if sent:
        yield sent


train = list(parse(generate_train(80)))
dev = list(parse(DEV_CONLLU))

word_counts = Counter(t["form"] for s in train for t in s)
word2id = {w: i + 1 for i, w in enumerate(sorted(word_counts))}
char2id = {c: i + 1 for i, c in enumerate(sorted({c for w in word_counts for c in w}))}
feat2id = {f: i for i, f in enumerate(sorted({t["feats"] for s in train for t in s}))}
UNK_WORD = len(word2id) + 1
UNK_FEAT = len(feat2id)
PAD_TAG = -100


def tensorize(sents):
    L = max(len(s) for s in sents)
    W = max(len(t["form"]) for s in sents for t in s)
    words = torch.zeros(len(sents), L, dtype=torch.long)
    chars = torch.zeros(len(sents), L, W, dtype=torch.long)
    tags = torch.full((len(sents), L), PAD_TAG, dtype=torch.long)
    for i, s in enumerate(sents):
        for j, t in enumerate(s):
            words[i, j] = word2id.get(t["form"], UNK_WORD)
            tags[i, j] = feat2id.get(t["feats"], UNK_FEAT)
            for k, c in enumerate(t["form"]):
                chars[i, j, k] = char2id.get(c, 0)
    return words, chars, tags


class CharWordTagger(nn.Module):
    def __init__(self, n_words, n_chars, n_feats, wdim=48, cdim=16, hidden=64):
        super().__init__()
        self.wemb = nn.Embedding(n_words, wdim, padding_idx=0)
        self.cemb = nn.Embedding(n_chars, cdim, padding_idx=0)
        self.conv = nn.Conv1d(cdim, cdim, kernel_size=3, padding=1)
        self.lstm = nn.LSTM(wdim + cdim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_feats)

    def forward(self, words, chars):
        B, L, W = chars.shape
        c = self.cemb(chars.view(B * L, W)).transpose(1, 2)
        c = F.relu(self.conv(c)).max(dim=2).values.view(B, L, -1)
        h, _ = self.lstm(torch.cat([self.wemb(words), c], dim=-1))
        return self.out(h)


model = CharWordTagger(len(word2id) + 2, len(char2id) + 1, len(feat2id) + 1)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)

for epoch in range(4):
    random.shuffle(train)
    model.train()
    running = 0.0
    for b in range(0, len(train), 16):
        w, c, y = tensorize(train[b:b + 16])
        logits = model(w, c)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1),
                               ignore_index=PAD_TAG)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()

    model.eval()
    with torch.no_grad():
        w, c, y = tensorize(dev)
        logits = model(w, c)
        dev_loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1),
                                   ignore_index=PAD_TAG)
        mask = y != PAD_TAG
        acc = (logits.argmax(-1)[mask] == y[mask]).float().mean().item()
    print(f"epoch {epoch}: train {running:.3f} dev {dev_loss.item():.3f} acc {acc:.2%}")
