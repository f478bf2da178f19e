import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "wp_vocab.txt")

STEMS = ["tam", "kor", "ilu", "wen", "sab", "oro", "nik", "paq"]
SUFFIXES = {"NOUN": ["ni", "ta", "kuna"], "VERB": ["rqa", "chka", "n"], "ADJ": ["sapa", "lla"]}
CONLLU = []
for sid in range(40):
    lines = [f"# sent_id = qx-{sid}", "# text = ..."]
    n = random.randint(3, 9)
    for i in range(1, n + 1):
        pos = random.choice(list(SUFFIXES))
        form = random.choice(STEMS) + random.choice(SUFFIXES[pos])
        lines.append(f"{i}\t{form}\t_\t{pos}\t_\t_\t_\t_\t_\t_")
    CONLLU.append("\n".join(lines))
CONLLU_TEXT = "\n\n".join(CONLLU)

special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
pieces = STEMS + ["##" + s for v in SUFFIXES.values() for s in v]
with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(special + pieces) + "\n")

tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)


@dataclass
class Sentence:
    sid: str
    forms: list = field(default_factory=list)
    upos: list = field(default_factory=list)


def parse(text):
    out = []
    for block in text.strip().split("\n\n"):
        s = Sentence(sid="?")
        for ln in block.splitlines():
            if ln.startswith("# sent_id"):
                s.sid = ln.split("=", 1)[1].strip()
            elif ln and not ln.startswith("#"):
                c = ln.split("\t")
                s.forms.append(c[1])
                s.upos.append(c[3])
        out.append(s)
    return out


corpus = parse(CONLLU_TEXT)
label_map = {t: i for i, t in enumerate(sorted({u for s in corpus for u in s.upos}))}


def encode_batch(sents):
    enc = tokenizer([s.forms for s in sents], is_split_into_words=True, padding=True, return_tensors="pt")
    max_words = max(len(s.forms) for s in sents)
    first_pos = torch.zeros(len(sents), max_words, dtype=torch.long)
    labels = torch.full((len(sents), max_words), -100, dtype=torch.long)
    for b, s in enumerate(sents):
        seen = set()
        for tok_i, w_i in enumerate(enc.word_ids(batch_index=b)):
            if w_i is None or w_i in seen:
                continue
            seen.add(w_i)
            first_pos[b, w_i] = tok_i
            labels[b, w_i] = label_map[s.upos[w_i]]
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "first_pos": first_pos, "labels": labels}


class WordPieceTagger(nn.Module):
    def __init__(self, vocab_size, n_labels):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask, first_pos):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        idx = first_pos.unsqueeze(-1).expand(-1, -1, hidden.size(-1))
        word_states = torch.gather(hidden, 1, idx)
        return self.head(word_states)


def batches(data, size):
    order = list(range(len(data)))
    random.shuffle(order)
    for i in range(0, len(order), size):
        yield [data[j] for j in order[i:i + size]]


model = WordPieceTagger(tokenizer.vocab_size, len(label_map))
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
crit = nn.CrossEntropyLoss(ignore_index=-100)

for ep in range(2):
    running = 0.0
    for step, group in enumerate(batches(corpus, 8)):
        feats = encode_batch(group)
        logits = model(feats["input_ids"], feats["attention_mask"], feats["first_pos"])
        loss = crit(logits.view(-1, logits.size(-1)), feats["labels"].view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {ep}: mean loss {running / (step + 1):.4f}")

os.remove(VOCAB_PATH)
