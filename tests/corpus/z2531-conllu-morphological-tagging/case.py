import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.utils.data import DataLoader, Dataset

rng = random.Random(21)
torch.manual_seed(21)
np.random.seed(21)

CONLLU = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_uralic.conllu")

NOUNS = ["talo", "kala", "joki", "metsä", "kirja", "lapsi", "kylä", "vene"]
CASES = {"Nom": "", "Gen": "n", "Ine": "ssa", "Ela": "sta", "All": "lle", "Par": "a"}
VERBS = ["luke", "näke", "kävele", "osta", "syö"]
PERSON = {("1", "Sing"): "n", ("3", "Sing"): "e", ("1", "Plur"): "mme", ("3", "Plur"): "vat"}
ADVS = ["nyt", "aina", "eilen", "tänään"]


def fake_sentence():
    toks = []
    for _ in range(rng.randint(3, 9)):
        kind = rng.choices(["NOUN", "VERB", "ADV"], weights=[5, 3, 1])[0]
        if kind == "NOUN":
            case = rng.choice(sorted(CASES))
            num = rng.choice(["Sing", "Plur"])
            form = rng.choice(NOUNS) + ("t" if num == "Plur" and case == "Nom" else "") + CASES[case]
            toks.append((form, "NOUN", f"Case={case}|Number={num}"))
        elif kind == "VERB":
            person, num = rng.choice(sorted(PERSON))
            form = rng.choice(VERBS) + PERSON[(person, num)]
            toks.append((form, "VERB", f"Mood=Ind|Number={num}|Person={person}|Tense=Pres"))
        else:
            toks.append((rng.choice(ADVS), "ADV", "_"))
    return toks


def write_treebank(path, n_sent=300):
    with open(path, "w", encoding="utf-8") as fh:
        for sid in range(n_sent):
            toks = fake_sentence()
            fh.write(f"# sent_id = toy-{sid}\n# text = {' '.join(t[0] for t in toks)}\n")
            for i, (form, upos, feats) in enumerate(toks, 1):
                fh.write(f"{i}\t{form}\t_\t{upos}\t_\t{feats}\t{i - 1}\t_\t_\t_\n")
            fh.write("\n")


def parse_feats(field):
    if field == "_":
        return {}
    return dict(kv.split("=", 1) for kv in field.split("|"))


def read_conllu(path):
    sents, cur = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    sents.append(cur)
                cur = []
            elif not line.startswith("#"):
                cols = line.split("\t")
                cur.append({"form": cols[1], "upos": cols[3], "feats": parse_feats(cols[5])})
    return sents


class TreebankDataset(Dataset):
    def __init__(self, sents):
        self.sents = sents

    def __len__(self):
        return len(self.sents)

    def __getitem__(self, i):
        return self.sents[i]


UPOS2ID = {"NOUN": 0, "VERB": 1, "ADV": 2}
CASE2ID = {c: i for i, c in enumerate(sorted(CASES))}


def make_collate(word2id):
    def collate(sents):
        lengths = torch.tensor([len(s) for s in sents])
        T = int(lengths.max())
        words = torch.zeros(len(sents), T, dtype=torch.long)
        upos = torch.full((len(sents), T), -100, dtype=torch.long)
        case = torch.full((len(sents), T), -100, dtype=torch.long)
        for b, sent in enumerate(sents):
            for t, tok in enumerate(sent):
                words[b, t] = word2id.get(tok["form"], 1)
                upos[b, t] = UPOS2ID[tok["upos"]]
                case[b, t] = CASE2ID[tok["feats"]["Case"]]
        return words, lengths, upos, case
    return collate


class MultiTaskTagger(nn.Module):
    def __init__(self, n_words, emb=48, hid=64):
        super().__init__()
        self.emb = nn.Embedding(n_words, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hid, batch_first=True, bidirectional=True)
        self.upos_head = nn.Linear(2 * hid, len(UPOS2ID))
        self.case_head = nn.Linear(2 * hid, len(CASE2ID))

    def forward(self, words, lengths):
        packed = pack_padded_sequence(self.emb(words), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        h, _ = pad_packed_sequence(out, batch_first=True, total_length=words.size(1))
        return self.upos_head(h), self.case_head(h)


write_treebank(CONLLU)
sentences = read_conllu(CONLLU)
rng.shuffle(sentences)
train, dev = sentences[:250], sentences[250:]

word2id = {"<pad>": 0, "<unk>": 1}
for sent in train:
    for tok in sent:
        word2id.setdefault(tok["form"], len(word2id))

collate = make_collate(word2id)
train_dl = DataLoader(TreebankDataset(train), batch_size=16, shuffle=True, collate_fn=collate)
dev_dl = DataLoader(TreebankDataset(dev), batch_size=50, collate_fn=collate)

model = MultiTaskTagger(len(word2id))
optim = torch.optim.Adam(model.parameters(), lr=2e-3)
xent = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(4):
    model.train()
    for words, lengths, upos, case in train_dl:
        upos_logits, case_logits = model(words, lengths)
        loss = xent(upos_logits.flatten(0, 1), upos.flatten()) + \
            0.5 * xent(case_logits.flatten(0, 1), case.flatten())
        optim.zero_grad()
        loss.backward()
        optim.step()

    model.eval()
    with torch.no_grad():
        hit_u = hit_c = n_u = n_c = 0
        for words, lengths, upos, case in dev_dl:
            pu, pc = (x.argmax(-1) for x in model(words, lengths))
            m_u, m_c = upos != -100, case != -100
            hit_u += (pu[m_u] == upos[m_u]).sum().item()
            hit_c += (pc[m_c] == case[m_c]).sum().item()
            n_u, n_c = n_u + m_u.sum().item(), n_c + m_c.sum().item()
    print(f"epoch {epoch}: UPOS acc {hit_u / n_u:.3f}  Case acc {hit_c / n_c:.3f}")
