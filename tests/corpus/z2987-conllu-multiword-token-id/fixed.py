import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

rng = random.Random(11)
torch.manual_seed(11)
DIR = os.path.dirname(os.path.abspath(__file__))

STEMS = {"NOUN": ["kasa", "mundo", "perro", "tierra", "agwa"], "VERB": ["kome", "bive", "anda", "ama"],
         "ADP": ["de", "a", "en"], "DET": ["la", "el"], "PRON": ["yo", "eya"]}
CONTRACTIONS = {("de", "el"): "del", ("a", "el"): "al"}


def gen_sentence(sid, allow_mwt):
    words = []
    for _ in range(rng.randint(2, 4)):
        words += [("DET", rng.choice(STEMS["DET"])), ("NOUN", rng.choice(STEMS["NOUN"]))]
        words += [("VERB", rng.choice(STEMS["VERB"])), ("ADP", rng.choice(STEMS["ADP"]))]
    words.append(("PUNCT", "."))
    lines = [f"# sent_id = {sid}"]
    i = 0
    while i < len(words):
        pos, form = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        key = (form, nxt[1]) if nxt else None
        if allow_mwt and key in CONTRACTIONS:
            lines.append(f"{i + 1}-{i + 2}\t{CONTRACTIONS[key]}\t_\t_\t_\t_\t_\t_\t_\t_")
        head = 0 if pos == "VERB" else i
        lines.append(f"{i + 1}\t{form}\t{form}\t{pos}\t_\t_\t{head}\tdep\t_\t_")
        i += 1
    return "\n".join(lines)


TRAIN_TXT = "\n\n".join(gen_sentence(f"tr{k}", allow_mwt=False) for k in range(80))
DEV_TXT = "\n\n".join(gen_sentence(f"dv{k}", allow_mwt=True) for k in range(20))


@dataclass
class Token:
    idx: int
    form: str
    upos: str
    head: int


def parse_conllu(text):
    sent = []
    for line in text.splitlines() + [""]:
        if not line.strip():
            if sent:
                yield sent
            sent = []
            continue
        if line.startswith("#"):
            continue
        c = line.split("\t")
        if not c[0].isdigit():
            continue
        sent.append(Token(int(c[0]), c[1], c[3], int(c[6])))


train = list(parse_conllu(TRAIN_TXT))
upos_list = sorted({t.upos for s in train for t in s})
upos2id = {u: i for i, u in enumerate(upos_list)}

vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
for forms in STEMS.values():
    vocab += forms
vocab += sorted(set(CONTRACTIONS.values())) + ["."]
vocab_file = os.path.join(DIR, "vocab.txt")
with open(vocab_file, "w") as f:
    f.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vocab_file)


class FirstPieceTagger(nn.Module):
    def __init__(self, n_tags):
        super().__init__()
        cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128)
        self.bert = BertModel(cfg)
        self.cls = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask, first_idx):
        hid = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        gathered = hid.gather(1, first_idx.unsqueeze(-1).expand(-1, -1, hid.size(-1)))
        return self.cls(gathered)


def to_batch(sents):
    enc = tok([[t.form for t in s] for s in sents], is_split_into_words=True, padding=True,
              return_tensors="pt")
    n_words = max(len(s) for s in sents)
    first = torch.zeros(len(sents), n_words, dtype=torch.long)
    gold = torch.full((len(sents), n_words), -100, dtype=torch.long)
    for b, s in enumerate(sents):
        seen = set()
        for pos, wid in enumerate(enc.word_ids(b)):
            if wid is not None and wid not in seen:
                seen.add(wid)
                first[b, wid] = pos
                gold[b, wid] = upos2id.get(s[wid].upos, -100)
    return enc, first, gold


net = FirstPieceTagger(len(upos2id))
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
crit = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(3):
    rng.shuffle(train)
    for k in range(0, len(train), 16):
        enc, first, gold = to_batch(train[k:k + 16])
        logits = net(enc["input_ids"], enc["attention_mask"], first)
        loss = crit(logits.view(-1, logits.size(-1)), gold.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch}: loss {loss.item():.4f}")

net.eval()
dev = list(parse_conllu(DEV_TXT))
with torch.no_grad():
    enc, first, gold = to_batch(dev)
    pred = net(enc["input_ids"], enc["attention_mask"], first).argmax(-1)
    mask = gold != -100
    print(f"dev UPOS acc: {(pred[mask] == gold[mask]).float().mean().item():.3f}")
