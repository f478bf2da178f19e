import random
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(13)
torch.manual_seed(13)

UPOS = ["NOUN", "VERB", "ADJ", "ADP", "PRON", "DET", "PUNCT", "ADV", "PART"]
SYLL = ["ka", "ti", "mu", "wa", "na", "lo", "si", "re", "pa", "ngu", "ya", "ho"]


def fake_word():
    return "".join(random.choice(SYLL) for _ in range(random.randint(1, 4)))


def make_conllu(n_sents, min_len, max_len, start_id=1):
    blocks = []
    for sid in range(start_id, start_id + n_sents):
        n = random.randint(min_len, max_len)
        rows = [f"# sent_id = s{sid}"]
        for i in range(1, n + 1):
            form = fake_word() if i < n else "."
            upos = random.choice(UPOS[:-3]) if i < n else "PUNCT"
            rows.append("\t".join([str(i), form, form.lower(), upos, "_", "_", "0", "dep", "_", "_"]))
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"


TRAIN_TXT = make_conllu(60, 3, 14)
DEV_TXT = make_conllu(20, 3, 19, start_id=1000)


def read_conllu(text):
    sents, cur = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            if cur:
                sents.append(cur)
                cur = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        cur.append((cols[1], cols[3]))
    if cur:
        sents.append(cur)
    return sents


train_sents = read_conllu(TRAIN_TXT)
dev_sents = read_conllu(DEV_TXT)

word_counts = Counter(w.lower() for s in train_sents for w, _ in s)
word2id = {"<pad>": 0, "<unk>": 1}
for w, c in word_counts.items():
    if c >= 1:
        word2id[w] = len(word2id)
char2id = {"<pad>": 0, "<unk>": 1}
for s in train_sents:
    for w, _ in s:
        for ch in w:
            char2id.setdefault(ch, len(char2id))
tag2id = {t: i for i, t in enumerate(sorted({t for s in train_sents for _, t in s}))}

MAX_SENT = max(len(s) for s in train_sents)
MAX_CHARS = 12


class TaggedSentences(Dataset):
    def __init__(self, sents):
        self.sents = sents

    def __len__(self):
        return len(self.sents)

    def __getitem__(self, i):
        sent = self.sents[i]
        pad = MAX_SENT - len(sent)
        wids = [word2id.get(w.lower(), 1) for w, _ in sent] + [0] * pad
        tids = [tag2id.get(t, 0) for _, t in sent] + [-100] * pad
        cids = []
        for w, _ in sent:
            cs = [char2id.get(c, 1) for c in w[:MAX_CHARS]]
            cids.append(cs + [0] * (MAX_CHARS - len(cs)))
        cids += [[0] * MAX_CHARS] * pad
        return {
            "words": torch.tensor(wids),
            "chars": torch.tensor(cids),
            "tags": torch.tensor(tids),
            "length": len(sent),
        }


class CharWordBiLSTM(nn.Module):
    def __init__(self, n_words, n_chars, n_tags, wdim=48, cdim=16, chid=24, hid=64):
        super().__init__()
        self.wemb = nn.Embedding(n_words, wdim, padding_idx=0)
        self.cemb = nn.Embedding(n_chars, cdim, padding_idx=0)
        self.char_lstm = nn.LSTM(cdim, chid, batch_first=True, bidirectional=True)
        self.lstm = nn.LSTM(wdim + 2 * chid, hid, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.3)
        self.out = nn.Linear(2 * hid, n_tags)

    def forward(self, words, chars):
        b, t, c = chars.shape
        ce = self.cemb(chars.view(b * t, c))
        _, (h, _) = self.char_lstm(ce)
        char_vec = torch.cat([h[0], h[1]], dim=-1).view(b, t, -1)
        x = torch.cat([self.wemb(words), char_vec], dim=-1)
        x, _ = self.lstm(self.drop(x))
        return self.out(self.drop(x))


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    total, correct, n_tok = 0.0, 0, 0
    for batch in loader:
        with torch.set_grad_enabled(training):
            logits = model(batch["words"], batch["chars"])
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch["tags"].reshape(-1))
        if training:
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
        mask = batch["tags"] != -100
        correct += ((logits.argmax(-1) == batch["tags"]) & mask).sum().item()
        n_tok += mask.sum().item()
        total += loss.item()
    return total / max(1, len(loader)), correct / max(1, n_tok)


train_dl = DataLoader(TaggedSentences(train_sents), batch_size=8, shuffle=True)
dev_dl = DataLoader(TaggedSentences(dev_sents), batch_size=8)

tagger = CharWordBiLSTM(len(word2id), len(char2id), len(tag2id))
optim = torch.optim.Adam(tagger.parameters(), lr=2e-3)

for epoch in range(1, 4):
    tr_loss, tr_acc = run_epoch(tagger, train_dl, optim)
    dv_loss, dv_acc = run_epoch(tagger, dev_dl)
    print(f"epoch {epoch} train loss {tr_loss:.3f} acc {tr_acc:.3f} | dev loss {dv_loss:.3f} acc {dv_acc:.3f}")
