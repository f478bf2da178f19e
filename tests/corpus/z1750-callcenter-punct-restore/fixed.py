# Punctuation restoration for call-center ASR transcripts
import os
import re
import random
import tempfile
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import KFold
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 2024
    n_splits = 3
    n_epochs = 1
    batch = 4
    lr = 4e-4
    dim = 32
    max_len = 48
    punct = ["O", "COMMA", "PERIOD", "QUESTION"]
    tmp = tempfile.mkdtemp(prefix="punct_")


random.seed(CFG.seed)
np.random.seed(CFG.seed)
torch.manual_seed(CFG.seed)

PUNCT2ID = {p: i for i, p in enumerate(CFG.punct)}
MARK2LABEL = {",": "COMMA", ".": "PERIOD", "?": "QUESTION"}

UTTERANCES = [
    "hello, thank you for calling. how can i help you today?",
    "hi, my internet has been down since yesterday.",
    "i see, can you confirm the account number please?",
    "sure, it is on the bill somewhere. give me a second.",
    "no problem, take your time.",
    "okay, i have restarted the router twice.",
    "thanks, i will run a line test now. are the lights green?",
    "one is blinking orange, the others are green.",
    "understood, i will send a technician tomorrow morning.",
    "great, what time should i expect them?",
]

calls = []
for cid in range(24):
    turns = random.sample(UTTERANCES, k=random.randint(2, 3))
    calls.append({"call_id": f"call_{cid:02d}", "transcript": " ".join(turns)})

words = sorted({w for u in UTTERANCES for w in re.findall(r"[a-z]+", u)})
pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
with open(os.path.join(CFG.tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(pieces) + "\n")
tokenizer = BertTokenizer(os.path.join(CFG.tmp, "vocab.txt"))


def split_transcript(text):
    spoken, marks = [], []
    for token in text.split():
        m = re.match(r"([a-z]+)([,.?]?)$", token)
        spoken.append(m.group(1))
        marks.append(PUNCT2ID[MARK2LABEL.get(m.group(2), "O")])
    return spoken, marks


class TranscriptDataset(Dataset):
    def __init__(self, rows):
        self.items = [split_transcript(r["transcript"]) for r in rows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        spoken, marks = self.items[idx]
        enc = tokenizer(spoken, is_split_into_words=True, truncation=True, max_length=CFG.max_len)
        targets, prev = [], None
        for wid in enc.word_ids():
            targets.append(-100 if wid is None or wid == prev else marks[wid])
            prev = wid
        return enc["input_ids"], targets


def pad_collate(batch):
    width = max(len(ids) for ids, _ in batch)
    tok_ids = torch.zeros(len(batch), width, dtype=torch.long)
    punct_y = torch.full((len(batch), width), -100, dtype=torch.long)
    for i, (ids, tg) in enumerate(batch):
        tok_ids[i, : len(ids)] = torch.tensor(ids)
        punct_y[i, : len(tg)] = torch.tensor(tg)
    return tok_ids, (tok_ids != tokenizer.pad_token_id).long(), punct_y


class PunctModel(nn.Module):
    def __init__(self):
        super().__init__()
        conf = BertConfig(vocab_size=len(tokenizer), hidden_size=CFG.dim, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=CFG.dim * 2, max_position_embeddings=64)
        self.bert = AutoModel.from_config(conf)
        self.fc = nn.Sequential(nn.Dropout(0.1), nn.Linear(CFG.dim, len(CFG.punct)))

    def forward(self, tok_ids, attn):
        return self.fc(self.bert(input_ids=tok_ids, attention_mask=attn).last_hidden_state)


def class_weights(dataset):
    counts = Counter(m for _, marks in dataset.items for m in marks)
    freq = torch.tensor([counts.get(i, 1) for i in range(len(CFG.punct))], dtype=torch.float)
    return (freq.sum() / freq) / (freq.sum() / freq).mean()


def fit_fold(fold, tr_rows, va_rows):
    tr_ds, va_ds = TranscriptDataset(tr_rows), TranscriptDataset(va_rows)
    model = PunctModel()
    criterion = nn.CrossEntropyLoss(weight=class_weights(tr_ds), ignore_index=-100)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    tr_dl = DataLoader(tr_ds, batch_size=CFG.batch, shuffle=True, collate_fn=pad_collate)
    va_dl = DataLoader(va_ds, batch_size=CFG.batch, collate_fn=pad_collate)
    for epoch in range(CFG.n_epochs):
        model.train()
        for tok_ids, attn, punct_y in tr_dl:
            logits = model(tok_ids, attn)
            loss = criterion(logits.transpose(1, 2), punct_y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    correct = seen = 0
    with torch.no_grad():
        for tok_ids, attn, punct_y in va_dl:
            pred = model(tok_ids, attn).argmax(-1)
            keep = punct_y != -100
            correct += (pred[keep] == punct_y[keep]).sum().item()
            seen += keep.sum().item()
    print(f"fold {fold}: word-level acc {correct / seen:.3f}")
    return correct / seen


kf = KFold(n_splits=CFG.n_splits, shuffle=True, random_state=CFG.seed)
oof = [fit_fold(k, [calls[i] for i in a], [calls[i] for i in b]) for k, (a, b) in enumerate(kf.split(calls))]
print("CV:", np.mean(oof))
