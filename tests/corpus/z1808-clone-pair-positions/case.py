"""Clone detection on small Python functions with a tiny BERT cross-encoder.

Each example is a pair of functions packed as [CLS] f1 [SEP] f2 [SEP];
the [CLS] vector is classified as clone / not clone.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(0)
torch.manual_seed(0)

CODE_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "def", "return", "for", "in", "if", "else", "elif", "while", "not", "and", "or",
    "none", "true", "false", "range", "len", "append", "sum", "max", "min", "sorted",
    "(", ")", "[", "]", ":", ",", ".", "=", "+", "-", "*", "/", "<", ">", "%", "0", "1", "2",
    "x", "y", "i", "j", "n", "k", "s", "v", "acc", "total", "out", "result", "items", "xs",
    "values", "count", "best", "lst", "arr", "key", "d", "word", "words", "text", "split",
    "lower", "get", "square", "evens", "average", "largest", "counts", "freq", "reverse",
]

SNIPPETS = {
    "sum_a": "def total ( xs ) : acc = 0 for v in xs : acc = acc + v return acc",
    "sum_b": "def total ( values ) : s = 0 for i in range ( len ( values ) ) : s = s + values [ i ] return s",
    "max_a": "def largest ( items ) : best = items [ 0 ] for v in items : if v > best : best = v return best",
    "max_b": "def largest ( arr ) : best = none for x in arr : if best is none or x > best : best = x return best",
    "freq_a": "def freq ( text ) : counts = { } for word in text . lower ( ) . split ( ) : counts [ word ] = counts . get ( word , 0 ) + 1 return counts",
    "freq_b": "def freq ( text ) : d = { } words = text . lower ( ) . split ( ) for w in words : if w in d : d [ w ] = d [ w ] + 1 else : d [ w ] = 1 return d",
    "evens_a": "def evens ( lst ) : out = [ ] for x in lst : if x % 2 == 0 : out . append ( x ) return out",
    "evens_b": "def evens ( lst ) : result = [ ] i = 0 while i < len ( lst ) : if lst [ i ] % 2 == 0 : result . append ( lst [ i ] ) i = i + 1 return result",
    "avg_a": "def average ( xs ) : if len ( xs ) == 0 : return 0 return sum ( xs ) / len ( xs )",
    "avg_b": "def average ( values ) : n = 0 total = 0 for v in values : total = total + v n = n + 1 return total / n if n > 0 else 0",
}
FAMILY = {name: name.split("_")[0] for name in SNIPPETS}


def write_vocab(folder):
    path = os.path.join(folder, "code_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(CODE_VOCAB) + "\n")
    return path


def make_pairs(n_pairs):
    names = sorted(SNIPPETS)
    pairs = []
    for _ in range(n_pairs):
        left = random.choice(names)
        if random.random() < 0.5:
            right = random.choice([m for m in names if FAMILY[m] == FAMILY[left] and m != left])
        else:
            right = random.choice([m for m in names if FAMILY[m] != FAMILY[left]])
        pairs.append((SNIPPETS[left], SNIPPETS[right], int(FAMILY[left] == FAMILY[right])))
    return pairs


class PairEncoder:
    def __init__(self, tokenizer, max_tokens):
        self.tok = tokenizer
        self.max_tokens = max_tokens

    def encode_one(self, code):
        pieces = self.tok.tokenize(code)
        return self.tok.convert_tokens_to_ids(pieces[: self.max_tokens])

    def collate(self, batch):
        rows, segs = [], []
        for left, right, _ in batch:
            a, b = self.encode_one(left), self.encode_one(right)
            ids = [self.tok.cls_token_id] + a + [self.tok.sep_token_id] + b + [self.tok.sep_token_id]
            seg = [0] * (len(a) + 2) + [1] * (len(b) + 1)
            rows.append(ids)
            segs.append(seg)
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.tok.pad_token_id, dtype=torch.long)
        seg_ids = torch.zeros((len(rows), width), dtype=torch.long)
        keep = torch.zeros((len(rows), width), dtype=torch.long)
        for r, (row, seg) in enumerate(zip(rows, segs)):
            ids[r, : len(row)] = torch.tensor(row)
            seg_ids[r, : len(seg)] = torch.tensor(seg)
            keep[r, : len(row)] = 1
        labels = torch.tensor([lab for _, _, lab in batch], dtype=torch.long)
        return ids, seg_ids, keep, labels


class CloneDetector(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, 2)

    def forward(self, ids, seg_ids, keep):
        hidden = self.encoder(input_ids=ids, token_type_ids=seg_ids, attention_mask=keep).last_hidden_state
        return self.head(hidden[:, 0])


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir), do_lower_case=True)
    config = BertConfig(
        vocab_size=len(CODE_VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=2,
    )
    encoder = PairEncoder(tokenizer, max_tokens=config.max_position_embeddings)
    model = CloneDetector(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    pairs = make_pairs(48)
    batch_size = 8
    for epoch in range(3):
        random.shuffle(pairs)
        running = 0.0
        for start in range(0, len(pairs), batch_size):
            ids, seg_ids, keep, labels = encoder.collate(pairs[start : start + batch_size])
            logits = model(ids, seg_ids, keep)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / (len(pairs) // batch_size):.4f}")

    model.eval()
    with torch.no_grad():
        ids, seg_ids, keep, labels = encoder.collate(pairs[:16])
        preds = model(ids, seg_ids, keep).argmax(-1)
    print("accuracy", (preds == labels).float().mean().item())


if __name__ == "__main__":
    main()
