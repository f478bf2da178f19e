import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(2024)
torch.manual_seed(2024)

ROOTS = ["ak", "bim", "dol", "ena", "fur", "gal", "hin", "juk", "lem", "mor"]
AFFIXES = ["##at", "##im", "##ek", "##un", "##ba", "##si"]
FEATS = {
    "N": "Case=Nom|Number=Sing",
    "N.PL": "Case=Nom|Number=Plur",
    "V": "Tense=Past|Person=3",
    "V.PRS": "Tense=Pres|Person=1",
    "ADJ": "Degree=Pos",
}


def synth_conllu(n):
    buf = []
    for k in range(n):
        rows = [f"# sent_id = lr_{k:03d}"]
        for i in range(1, random.randint(4, 10) + 1):
            tag = random.choice(list(FEATS))
            form = random.choice(ROOTS) + "".join(a[2:] for a in random.sample(AFFIXES, random.randint(0, 2)))
            rows.append(f"{i}\t{form}\t{form[:3]}\t{tag.split('.')[0]}\t_\t{FEATS[tag]}\t0\troot\t_\t_")
        buf.append("\n".join(rows))
    return "\n\n".join(buf) + "\n\n"


def conllu_sentences(raw):
    words = []
    for line in raw.splitlines():
        if not line.strip():
            if words:
                yield words
            words = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            words.append((cols[1], f"{cols[3]}|{cols[5]}"))
    if words:
        yield words


raw_text = synth_conllu(48)
sentences = list(conllu_sentences(raw_text))
morph_tags = sorted({t for s in sentences for _, t in s})
tag_to_ix = {t: i for i, t in enumerate(morph_tags)}

workdir = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(__file__)))
vocab_file = os.path.join(workdir, "vocab.txt")
with open(vocab_file, "w", encoding="utf-8") as f:
    for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + ROOTS + AFFIXES:
        f.write(tok + "\n")
tok = BertTokenizer(vocab_file)


def featurize(sent):
    pieces, labels = [tok.cls_token_id], [-100]
    for form, tag in sent:
        sub = tok.convert_tokens_to_ids(tok.tokenize(form)) or [tok.unk_token_id]
        pieces.extend(sub)
        labels.extend([tag_to_ix[tag]] + [-100] * (len(sub) - 1))
    pieces.append(tok.sep_token_id)
    labels.append(-100)
    return {"input_ids": pieces, "labels": labels, "n_words": len(sent)}


examples = [featurize(s) for s in sentences]
split = int(0.8 * len(examples))
train_ex, dev_ex = examples[:split], examples[split:]


def collate(batch):
    max_pieces = max(len(ex["input_ids"]) for ex in batch)
    max_words = max(ex["n_words"] for ex in batch)
    ids = torch.full((len(batch), max_pieces), tok.pad_token_id, dtype=torch.long)
    labels = torch.full((len(batch), max_pieces), -100, dtype=torch.long)
    mask = torch.zeros(len(batch), max_words + 2, dtype=torch.long)
    for i, ex in enumerate(batch):
        n = len(ex["input_ids"])
        ids[i, :n] = torch.tensor(ex["input_ids"])
        labels[i, :n] = torch.tensor(ex["labels"])
        mask[i, : ex["n_words"] + 2] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


config = BertConfig(
    vocab_size=len(tok.vocab),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(tag_to_ix),
)
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

train_loader = DataLoader(train_ex, batch_size=6, shuffle=True, collate_fn=collate)
dev_loader = DataLoader(dev_ex, batch_size=6, collate_fn=collate)


def evaluate():
    model.eval()
    hit = tot = 0
    with torch.no_grad():
        for batch in dev_loader:
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            keep = batch["labels"] != -100
            hit += (logits.argmax(-1)[keep] == batch["labels"][keep]).sum().item()
            tot += keep.sum().item()
    return hit / max(tot, 1)


try:
    for epoch in range(3):
        model.train()
        for step, batch in enumerate(train_loader):
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch} last loss {out.loss.item():.3f} dev acc {evaluate():.3f}")
finally:
    for name in os.listdir(workdir):
        os.remove(os.path.join(workdir, name))
    os.rmdir(workdir)
