"""Natural-language -> code snippet search. An asymmetric dual encoder: a small
BERT for the short developer queries and a wider one for the code snippets,
each followed by a linear head into a shared retrieval space."""
import os
import re
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

SNIPPETS = [
    "def read_json ( path ) : with open ( path ) as fh : return json . load ( fh )",
    "def flatten ( rows ) : return [ x for row in rows for x in row ]",
    "def chunk ( items , n ) : return [ items [ i : i + n ] for i in range ( 0 , len ( items ) , n ) ]",
    "def slugify ( text ) : return re . sub ( '[^a-z0-9]+' , '-' , text . lower ( ) )",
    "def md5_file ( path ) : return hashlib . md5 ( open ( path , 'rb' ) . read ( ) ) . hexdigest ( )",
    "def unique ( seq ) : seen = set ( ) ; return [ x for x in seq if not ( x in seen or seen . add ( x ) ) ]",
    "def write_csv ( path , rows ) : csv . writer ( open ( path , 'w' ) ) . writerows ( rows )",
    "def retry ( fn , times ) : for _ in range ( times ) : try : return fn ( ) except exception : pass",
]
QUERIES = [
    "load a json file from disk",
    "flatten a nested list",
    "split a list into chunks of size n",
    "turn a title into a url slug",
    "compute the md5 hash of a file",
    "remove duplicates but keep order",
    "save rows to a csv file",
    "call a function again when it fails",
]
SEARCH_DIM = 24


def code_tokens(text):
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text.lower())


def build_tokenizer(tmp):
    pieces = set()
    for s in SNIPPETS + QUERIES:
        pieces.update(code_tokens(s))
    lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)
    vocab_file = os.path.join(tmp, "code_vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return BertTokenizer(vocab_file, do_basic_tokenize=True), len(lines)


def bert_cfg(n_vocab, width, layers):
    return BertConfig(vocab_size=n_vocab, hidden_size=width, num_hidden_layers=layers,
                      num_attention_heads=2, intermediate_size=2 * width,
                      max_position_embeddings=96)


class CodeSearchModel(nn.Module):
    def __init__(self, n_vocab):
        super().__init__()
        self.query_encoder = BertModel(bert_cfg(n_vocab, width=32, layers=1))
        self.code_encoder = BertModel(bert_cfg(n_vocab, width=48, layers=2))
        enc_width = self.code_encoder.config.hidden_size
        self.query_proj = nn.Linear(self.query_encoder.config.hidden_size, SEARCH_DIM)
        self.code_proj = nn.Linear(enc_width, SEARCH_DIM)

    @staticmethod
    def _cls(encoder, enc):
        return encoder(input_ids=enc["input_ids"],
                       attention_mask=enc["attention_mask"]).last_hidden_state[:, 0]

    def encode_code(self, enc):
        return F.normalize(self.code_proj(self._cls(self.code_encoder, enc)), dim=-1)

    def encode_query(self, enc):
        return F.normalize(self.query_proj(self._cls(self.query_encoder, enc)), dim=-1)


def tokenize(tok, texts):
    return tok(texts, padding=True, truncation=True, max_length=96, return_tensors="pt")


def train(model, tok, epochs=3, bs=4, temp=0.05):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for ep in range(epochs):
        perm = torch.randperm(len(QUERIES)).tolist()
        total = 0.0
        for i in range(0, len(perm), bs):
            idx = perm[i:i + bs]
            code_vecs = model.encode_code(tokenize(tok, [SNIPPETS[j] for j in idx]))
            query_vecs = model.encode_query(tokenize(tok, [QUERIES[j] for j in idx]))
            sim = query_vecs @ code_vecs.T / temp
            loss = F.cross_entropy(sim, torch.arange(len(idx)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {ep} loss {total / (len(perm) // bs):.4f}")


@torch.no_grad()
def search(model, tok, question, k=3):
    index = model.encode_code(tokenize(tok, SNIPPETS))
    qv = model.encode_query(tokenize(tok, [question]))
    best = (qv @ index.T)[0].topk(k)
    return [(SNIPPETS[j][:40], round(v, 3)) for v, j in zip(best.values.tolist(), best.indices.tolist())]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tok, n_vocab = build_tokenizer(tmp)
        model = CodeSearchModel(n_vocab)
        train(model, tok)
        for hit in search(model, tok, "read a json file"):
            print(hit)


if __name__ == "__main__":
    main()
