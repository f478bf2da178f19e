import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

rng = np.random.default_rng(31)
torch.manual_seed(31)

LEXICON = {
    "NOUN": ["mbewa", "nyumbo", "kalulu", "msinje", "chipewa"],
    "VERB": ["anadya", "tinapita", "amagona", "ndikuwona"],
    "ADP": ["ku", "pa", "mu"],
    "PUNCT": [".", ","],
}
FEAT_VALUES = {
    "NOUN": [("NounClass", ["Bantu1", "Bantu3", "Bantu9"]), ("Number", ["Sing", "Plur"])],
    "VERB": [("Tense", ["Past", "Pres"]), ("Person", ["1", "3"])],
    "ADP": [],
    "PUNCT": [],
}


def generate_treebank(n_sent):
    out = []
    for s in range(n_sent):
        toks = []
        length = int(rng.integers(3, 9))
        for i in range(1, length + 1):
            upos = "PUNCT" if i == length else str(rng.choice(["NOUN", "VERB", "ADP"], p=[0.5, 0.35, 0.15]))
            form = str(rng.choice(LEXICON[upos]))
            feats = "|".join(f"{k}={rng.choice(v)}" for k, v in FEAT_VALUES[upos]) or "_"
            toks.append(f"{i}\t{form}\t{form}\t{upos}\t_\t{feats}\t{max(0, i - 1)}\t_\t_\t_")
        out.append(f"# sent_id = ny-{s}\n" + "\n".join(toks))
    return "\n\n".join(out) + "\n"


def parse_token(line):
    idx, form, lemma, upos, xpos, feats, head, deprel, deps, misc = line.split("\t")
    featdict = dict(kv.split("=", 1) for kv in feats.split("|")) if feats != "_" else {}
    return {"form": form, "upos": upos, "feats": featdict}


def read_treebank(text):
    for block in text.strip().split("\n\n"):
        rows = [ln for ln in block.split("\n") if ln and not ln.startswith("#")]
        yield [parse_token(r) for r in rows]


treebank = list(read_treebank(generate_treebank(80)))
feature_names = sorted({k for s in treebank for t in s for k in t["feats"]})
value_maps = {
    f: {"<none>": 0, **{v: i + 1 for i, v in enumerate(sorted({t["feats"][f] for s in treebank for t in s if f in t["feats"]}))}}
    for f in feature_names
}
chars = sorted({c for s in treebank for t in s for c in t["form"]})
char_ix = {c: i + 1 for i, c in enumerate(chars)}
form_ix = {w: i + 1 for i, w in enumerate(sorted({t["form"] for s in treebank for t in s}))}


def tensors_for(sent):
    words = torch.tensor([form_ix[t["form"]] for t in sent])
    char_rows = [torch.tensor([char_ix[c] for c in t["form"]]) for t in sent]
    char_pad = pad_sequence(char_rows, batch_first=True)
    gold = {f: torch.tensor([value_maps[f].get(t["feats"].get(f, "<none>"), 0) for t in sent]) for f in feature_names}
    return words, char_pad, gold


class MultiFeatTagger(nn.Module):
    def __init__(self, n_forms, n_chars, heads, dim=32):
        super().__init__()
        self.word = nn.Embedding(n_forms + 1, dim)
        self.char = nn.Embedding(n_chars + 1, dim // 2, padding_idx=0)
        self.enc = nn.LSTM(dim + dim // 2, dim, bidirectional=True, batch_first=True)
        self.heads = nn.ModuleDict({f: nn.Linear(2 * dim, n) for f, n in heads.items()})

    def forward(self, words, char_pad):
        c = self.char(char_pad).mean(dim=1)
        h, _ = self.enc(torch.cat([self.word(words), c], dim=-1).unsqueeze(0))
        return {f: head(h.squeeze(0)) for f, head in self.heads.items()}


net = MultiFeatTagger(len(form_ix), len(char_ix), {f: len(m) for f, m in value_maps.items()})
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
xent = nn.CrossEntropyLoss()

for epoch in range(3):
    order = rng.permutation(len(treebank))
    epoch_loss = 0.0
    for i in order:
        words, char_pad, gold = tensors_for(treebank[i])
        preds = net(words, char_pad)
        loss = sum(xent(preds[f], gold[f]) for f in feature_names)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item()
    print(f"epoch {epoch}: {epoch_loss / len(treebank):.3f}")
