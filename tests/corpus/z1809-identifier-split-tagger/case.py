"""Character-level identifier splitter.

Every character of an identifier gets a tag:
  0 = continues the current subword, 1 = starts a new subword, 2 = separator (underscore)
A small transformer encoder predicts the tags, which are then used to split
identifiers such as 'parseHttpHeader' or 'MAX_retry_count' into words.
"""
import random
import string

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(1)
torch.manual_seed(1)

WORDS = ["get", "set", "user", "name", "parse", "http", "header", "max", "retry", "count",
         "file", "path", "read", "write", "buffer", "size", "is", "valid", "token", "index",
         "load", "config", "json", "url", "cache", "key", "value", "node", "tree", "list"]
CONTINUE, START, SEPARATOR = 0, 1, 2
NUM_TAGS = 3
PAD_CHAR = 0
CHARS = ["<pad>", "<unk>"] + list(string.ascii_letters + string.digits + "_")
CHAR2ID = {c: i for i, c in enumerate(CHARS)}
MAX_CHARS = 24


def synth_identifier():
    parts = random.sample(WORDS, k=random.randint(2, 3))
    style = random.choice(["camel", "pascal", "snake", "screaming"])
    if style == "camel":
        chunks = [parts[0]] + [p.capitalize() for p in parts[1:]]
        return "".join(chunks), chunks
    if style == "pascal":
        chunks = [p.capitalize() for p in parts]
        return "".join(chunks), chunks
    if style == "snake":
        return "_".join(parts), parts
    upper = [p.upper() for p in parts]
    return "_".join(upper), upper


def tag_identifier(ident, chunks):
    tags = []
    pos = 0
    for c_idx, chunk in enumerate(chunks):
        if ident[pos] == "_":
            tags.append(SEPARATOR)
            pos += 1
        for k in range(len(chunk)):
            tags.append(START if k == 0 and c_idx > 0 else CONTINUE)
            pos += 1
    return tags


def encode_batch(samples):
    chars = torch.full((len(samples), MAX_CHARS), PAD_CHAR, dtype=torch.long)
    tags = torch.full((len(samples), MAX_CHARS), -100, dtype=torch.long)
    for row, (ident, tag_seq) in enumerate(samples):
        ident, tag_seq = ident[:MAX_CHARS], tag_seq[:MAX_CHARS]
        chars[row, : len(ident)] = torch.tensor([CHAR2ID.get(c, 1) for c in ident])
        tags[row, : len(tag_seq)] = torch.tensor(tag_seq)
    return chars, tags


class SplitTagger(nn.Module):
    def __init__(self, n_chars, dim=32, heads=2, layers=2):
        super().__init__()
        self.char_emb = nn.Embedding(n_chars, dim, padding_idx=PAD_CHAR)
        self.pos_emb = nn.Embedding(MAX_CHARS, dim)
        block = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(block, num_layers=layers, enable_nested_tensor=False)
        self.proj = nn.Linear(dim, NUM_TAGS)

    def forward(self, chars):
        positions = torch.arange(chars.size(1)).unsqueeze(0)
        h = self.char_emb(chars) + self.pos_emb(positions)
        h = self.encoder(h, src_key_padding_mask=chars.eq(PAD_CHAR))
        return self.proj(h)


def tagging_loss(tag_logits, gold_tags):
    return F.cross_entropy(tag_logits, gold_tags, ignore_index=-100)


def split_with_tags(ident, tags):
    words, current = [], ""
    for ch, t in zip(ident, tags):
        if t == SEPARATOR:
            if current:
                words.append(current)
            current = ""
        elif t == START and current:
            words.append(current)
            current = ch
        else:
            current += ch
    if current:
        words.append(current)
    return [w.lower() for w in words]


def main():
    corpus = []
    for _ in range(80):
        ident, chunks = synth_identifier()
        corpus.append((ident, tag_identifier(ident, chunks)))
    train, held_out = corpus[:72], corpus[72:]

    model = SplitTagger(len(CHARS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(1):
        random.shuffle(train)
        model.train()
        total = 0.0
        for i in range(0, len(train), 8):
            chars, gold = encode_batch(train[i : i + 8])
            tag_logits = model(chars)
            loss = tagging_loss(tag_logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss={total / (len(train) / 8):.3f}")

    model.eval()
    with torch.no_grad():
        chars, _ = encode_batch(held_out)
        pred = model(chars).argmax(-1)
    for (ident, _), row in list(zip(held_out, pred))[:5]:
        print(ident, "->", split_with_tags(ident, row[: len(ident)].tolist()))


if __name__ == "__main__":
    main()
