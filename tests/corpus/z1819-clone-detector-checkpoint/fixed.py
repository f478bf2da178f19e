"""Siamese clone detector for small Java methods.

Stage 1 trains a pair model (shared encoder + learned similarity scale) on
clone / non-clone pairs and writes a checkpoint. Stage 2 reloads the encoder
alone to embed a snippet index for nearest-neighbour clone lookup.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

JAVA_TOKENS = (
    "public private static int void return for if else while new this "
    "string list array length size sum total max min count result i j k n x y "
    "get add put map key value equals null true false boolean char "
    "( ) { } [ ] ; , . = + - * / < > ++ += == != &&"
).split()

PAIRS = [
    ("int sum ( int [ ] a ) { int s = 0 ; for ( int x : a ) s += x ; return s ; }",
     "int total ( int [ ] v ) { int t = 0 ; for ( int y : v ) t += y ; return t ; }", 1),
    ("int max ( int a , int b ) { return a > b ? a : b ; }",
     "int max ( int x , int y ) { if ( x > y ) return x ; return y ; }", 1),
    ("boolean empty ( string s ) { return s == null || s . length ( ) == 0 ; }",
     "boolean blank ( string x ) { return x == null || x . length ( ) == 0 ; }", 1),
    ("int count ( list l ) { return l . size ( ) ; }",
     "int n ( list a ) { return a . size ( ) ; }", 1),
    ("int sum ( int [ ] a ) { int s = 0 ; for ( int x : a ) s += x ; return s ; }",
     "boolean empty ( string s ) { return s == null ; }", 0),
    ("int max ( int a , int b ) { return a > b ? a : b ; }",
     "void add ( map m , string k ) { m . put ( k , 1 ) ; }", 0),
    ("int count ( list l ) { return l . size ( ) ; }",
     "char get ( string s , int i ) { return s . char ( i ) ; }", 0),
    ("void add ( map m , string k ) { m . put ( k , 1 ) ; }",
     "int min ( int a , int b ) { return a < b ? a : b ; }", 0),
]


def write_vocab(folder):
    path = os.path.join(folder, "java_vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + JAVA_TOKENS + [":", "?", "|"]:
            fh.write(tok + "\n")
    return path


class CloneEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.proj = nn.Linear(cfg.hidden_size, 32)

    def forward(self, tok_ids, tok_mask):
        hidden = self.bert(input_ids=tok_ids, attention_mask=tok_mask).last_hidden_state
        weights = tok_mask.unsqueeze(-1).float()
        mean = (hidden * weights).sum(1) / weights.sum(1)
        return F.normalize(self.proj(mean), dim=-1)


class ClonePairModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = CloneEncoder(cfg)
        self.scale = nn.Parameter(torch.tensor(5.0))
        self.bias = nn.Parameter(torch.tensor(-2.0))

    def forward(self, left, right):
        a = self.encoder(*left)
        b = self.encoder(*right)
        return self.scale * (a * b).sum(-1) + self.bias


def tokenize(tokenizer, snippets):
    enc = tokenizer(snippets, padding=True, truncation=True, max_length=48, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def train(tokenizer, cfg, ckpt_path):
    model = ClonePairModel(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    left = tokenize(tokenizer, [a for a, _, _ in PAIRS])
    right = tokenize(tokenizer, [b for _, b, _ in PAIRS])
    is_clone = torch.tensor([float(y) for _, _, y in PAIRS])
    for step in range(3):
        logits = model(left, right)
        loss = F.binary_cross_entropy_with_logits(logits, is_clone)
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 10 == 0:
            print(f"step {step:2d} bce {loss.item():.4f}")
    torch.save(model.encoder.state_dict(), ckpt_path)


def build_index(tokenizer, cfg, ckpt_path, snippets):
    encoder = CloneEncoder(cfg)
    encoder.load_state_dict(torch.load(ckpt_path))
    encoder.eval()
    with torch.no_grad():
        return encoder(*tokenize(tokenizer, snippets)), encoder


def main():
    workdir = tempfile.mkdtemp(prefix="clones_")
    tokenizer = BertTokenizer(write_vocab(workdir), do_lower_case=True)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    ckpt_path = os.path.join(workdir, "clone_model.pt")
    train(tokenizer, cfg, ckpt_path)

    corpus = sorted({s for a, b, _ in PAIRS for s in (a, b)})
    index, encoder = build_index(tokenizer, cfg, ckpt_path, corpus)
    query = "int sum2 ( int [ ] arr ) { int acc = 0 ; for ( int e : arr ) acc += e ; return acc ; }"
    with torch.no_grad():
        q = encoder(*tokenize(tokenizer, [query]))
    scores = (index @ q.T).squeeze(-1)
    best = scores.topk(2)
    for score, idx in zip(best.values.tolist(), best.indices.tolist()):
        print(f"{score:.3f}  {corpus[idx]}")


if __name__ == "__main__":
    main()
