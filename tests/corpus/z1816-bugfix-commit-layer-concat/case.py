"""Classify commit diff hunks as bug-fix vs. feature/refactor.

Tiny BERT encoder over a hand-built code vocabulary; the commit representation
is the concatenation of the [CLS] vectors of the top encoder layers, which
tends to work better than the last layer alone for short diffs.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

CODE_TOKENS = [
    "if", "else", "return", "null", "none", "not", "is", "==", "!=", "(", ")",
    "{", "}", ";", ":", "=", "+", "-", "<", ">", "<=", ">=", "try", "except",
    "catch", "throw", "raise", "for", "while", "in", "len", "size", "index",
    "i", "j", "n", "self", "this", "def", "class", "new", "add", "remove",
    "check", "fix", "bound", "off", "by", "one", "feature", "refactor", "rename",
    "log", "debug", "assert", "0", "1", "list", "get", "set", "value", "key",
]

DIFF_HUNKS = [
    ("if index < len ( list ) : return list [ index ]", 1),
    ("if x is not none : return x . value", 1),
    ("for i in range ( n - 1 ) :", 1),
    ("try : value = get ( key ) except key error : return none", 1),
    ("assert size >= 0", 1),
    ("if ( this . value != null ) { return this . value ; }", 1),
    ("def rename ( self , new ) : self . key = new", 0),
    ("class feature : def add ( self ) : log . debug ( 1 )", 0),
    ("refactor get value into helper", 0),
    ("def set ( self , key , value ) : self . key = key", 0),
    ("new list ( ) . add ( value )", 0),
    ("log . debug ( feature )", 0),
]

ENC_LAYERS = 2
HIDDEN = 32
LAST_K = 4           # number of top layers whose [CLS] vectors we concatenate
MAX_DIFF_TOKENS = 40


def write_vocab(folder):
    path = os.path.join(folder, "code_vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + CODE_TOKENS + [".", ",", "[", "]"]) + "\n")
    return path


class CommitClassifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=HIDDEN,
            num_hidden_layers=ENC_LAYERS,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(LAST_K * cfg.hidden_size, 2)

    def forward(self, hunk_ids, hunk_mask):
        out = self.encoder(
            input_ids=hunk_ids,
            attention_mask=hunk_mask,
            output_hidden_states=True,
        )
        top_layers = out.hidden_states[-LAST_K:]
        cls_stack = torch.cat([layer[:, 0] for layer in top_layers], dim=-1)
        return self.head(self.dropout(cls_stack))


def batches(rows, tokenizer, size):
    random.shuffle(rows)
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        enc = tokenizer(
            [text for text, _ in chunk],
            padding=True,
            truncation=True,
            max_length=MAX_DIFF_TOKENS,
            return_tensors="pt",
        )
        is_fix = torch.tensor([lab for _, lab in chunk])
        yield enc["input_ids"], enc["attention_mask"], is_fix


def main():
    workdir = tempfile.mkdtemp(prefix="commits_")
    tokenizer = BertTokenizer(write_vocab(workdir), do_lower_case=True)
    model = CommitClassifier(tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        running = 0.0
        for hunk_ids, hunk_mask, is_fix in batches(list(DIFF_HUNKS), tokenizer, 4):
            logits = model(hunk_ids, hunk_mask)
            loss = loss_fn(logits, is_fix)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running:.3f}")

    model.eval()
    probe = ["if i < size : return list [ i ]", "rename feature class"]
    enc = tokenizer(probe, padding=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(enc["input_ids"], enc["attention_mask"]).argmax(-1)
    for hunk, p in zip(probe, pred.tolist()):
        print(f"{'FIX ' if p else 'FEAT'} | {hunk}")


if __name__ == "__main__":
    main()
