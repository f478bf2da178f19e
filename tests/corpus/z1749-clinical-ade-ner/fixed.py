# Adverse drug event NER on clinical notes - token classification baseline
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import GroupKFold
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 7
    folds = 3
    epochs = 2
    bs = 4
    lr = 5e-4
    hidden = 32
    heads = 2
    layers = 1
    ignore = -100
    out_dir = tempfile.mkdtemp(prefix="ade_ner_")


TAG2ID = {"O": 0, "B-DRUG": 1, "I-DRUG": 2, "B-ADE": 3, "I-ADE": 4}
ID2TAG = {v: k for k, v in TAG2ID.items()}

random.seed(CFG.seed)
np.random.seed(CFG.seed)
torch.manual_seed(CFG.seed)

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
         "patient", "started", "on", "developed", "after", "mg", "daily", "with", "and", "reported",
         "severe", "mild", "the", "was", "given", "amoxi", "##cillin", "metfor", "##min", "warfa",
         "##rin", "rash", "nausea", "hepato", "##toxicity", "dizzi", "##ness", "brady", "##cardia"]
vocab_file = os.path.join(CFG.out_dir, "vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tok = BertTokenizer(vocab_file)

DRUGS = ["amoxicillin", "metformin", "warfarin"]
EVENTS = [["rash"], ["nausea"], ["severe", "hepatotoxicity"], ["mild", "dizziness"], ["bradycardia"]]


def synth_note(rng):
    drug = rng.choice(DRUGS)
    event = rng.choice(EVENTS)
    words = ["patient", "started", "on", drug, "mg", "daily", "and", "developed"] + event
    tags = ["O", "O", "O", "B-DRUG", "O", "O", "O", "O"]
    tags += ["B-ADE"] + ["I-ADE"] * (len(event) - 1)
    if rng.random() < 0.5:
        words += ["after", "the", drug, "was", "given"]
        tags += ["O", "O", "B-DRUG", "O", "O"]
    return words, tags


rng = random.Random(CFG.seed)
notes = []
for i in range(30):
    words, tags = synth_note(rng)
    notes.append({"note_id": i, "patient": i // 3, "words": words, "tags": tags})


class NoteDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        piece_ids = [tok.cls_token_id]
        ent_tags = [CFG.ignore]
        for word, tag in zip(row["words"], row["tags"]):
            pieces = tok.tokenize(word)
            piece_ids.extend(tok.convert_tokens_to_ids(pieces))
            ent_tags.extend([TAG2ID[tag]] + [CFG.ignore] * (len(pieces) - 1))
        piece_ids.append(tok.sep_token_id)
        ent_tags.append(CFG.ignore)
        return torch.tensor(piece_ids), torch.tensor(ent_tags)


def ner_collate(batch):
    ids = pad_sequence([b[0] for b in batch], batch_first=True, padding_value=tok.pad_token_id)
    tags = pad_sequence([b[1] for b in batch], batch_first=True, padding_value=CFG.ignore)
    attn = (ids != tok.pad_token_id).long()
    return ids, attn, tags


class AdeTagger(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=CFG.hidden, num_hidden_layers=CFG.layers,
                         num_attention_heads=CFG.heads, intermediate_size=CFG.hidden * 2,
                         max_position_embeddings=64)
        self.encoder = AutoModel.from_config(cfg)
        self.drop = nn.Dropout(0.1)
        self.classifier = nn.Linear(CFG.hidden, len(TAG2ID))

    def forward(self, ids, attn):
        h = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.classifier(self.drop(h))


def token_loss(logits, tags):
    return F.cross_entropy(logits.view(-1, len(TAG2ID)), tags.view(-1), ignore_index=CFG.ignore)


def train_one_fold(fold, tr_rows, va_rows):
    model = AdeTagger()
    optim = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    tr_loader = DataLoader(NoteDataset(tr_rows), batch_size=CFG.bs, shuffle=True, collate_fn=ner_collate)
    va_loader = DataLoader(NoteDataset(va_rows), batch_size=CFG.bs, collate_fn=ner_collate)
    for ep in range(CFG.epochs):
        model.train()
        running = 0.0
        for ids, attn, tags in tr_loader:
            optim.zero_grad()
            loss = token_loss(model(ids, attn), tags)
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"fold {fold} ep {ep} train loss {running / len(tr_loader):.4f}")
    model.eval()
    hit, total = 0, 0
    with torch.no_grad():
        for ids, attn, tags in va_loader:
            pred = model(ids, attn).argmax(-1)
            keep = tags != CFG.ignore
            hit += (pred[keep] == tags[keep]).sum().item()
            total += keep.sum().item()
    return hit / max(total, 1)


gkf = GroupKFold(n_splits=CFG.folds)
groups = [n["patient"] for n in notes]
fold_acc = []
for fold, (tr, va) in enumerate(gkf.split(notes, groups=groups)):
    acc = train_one_fold(fold, [notes[i] for i in tr], [notes[i] for i in va])
    print(f"fold {fold} token acc {acc:.3f}")
    fold_acc.append(acc)
print("mean token acc", np.mean(fold_acc))
