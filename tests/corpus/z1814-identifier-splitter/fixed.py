"""Character-level identifier splitter: a small BiGRU tags every character of an
identifier with 1 if a new sub-word starts there (camelCase, snake_case,
ALLCAPS runs), so `parseHTTPHeader` -> parse / http / header."""
import re
import string

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

ALPHABET = string.ascii_letters + string.digits + "_$"
CHAR2ID = {c: i + 2 for i, c in enumerate(ALPHABET)}  # 0 = pad, 1 = unknown char
MAX_CHARS = 24

TRAIN_IDENTS = [
    "getUserName", "parse_xml_stream", "HTTPServer", "maxRetryCount", "isEmpty",
    "toString", "read_config_file", "XMLHttpRequest", "setTimeoutMs", "buildIndex",
    "num_workers", "loadJSONFile", "userId", "CONSTANT_VALUE", "openFileStream",
    "tcp_socket_id", "getURLPath", "hashCode", "compute_loss", "validateInput",
]
QUERY_IDENTS = [
    "readLineBuffer", "sendHTTPRequest", "create_temp_dir",
    "AbstractSingletonProxyFactoryBean", "toJSON",
]


def gold_boundaries(ident):
    tags = [0] * len(ident)
    for m in re.finditer(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", ident):
        tags[m.start()] = 1
    return tags


def encode_chars(idents, with_tags=False):
    width = min(MAX_CHARS, max(len(s) for s in idents))
    chars = torch.zeros(len(idents), width, dtype=torch.long)
    tags = torch.full((len(idents), width), -100, dtype=torch.long)
    for row, ident in enumerate(idents):
        clipped = ident[:width]
        chars[row, : len(clipped)] = torch.tensor([CHAR2ID.get(c, 1) for c in clipped])
        if with_tags:
            tags[row, : len(clipped)] = torch.tensor(gold_boundaries(ident)[:width])
    return (chars, tags) if with_tags else chars


class BoundaryTagger(nn.Module):
    def __init__(self, n_chars, dim=24, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(n_chars, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, 2)

    def forward(self, chars):
        h, _ = self.rnn(self.embed(chars))
        return self.out(h)


def train(model, chars, tags, epochs=5):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(epochs):
        logits = model(chars)
        loss = F.cross_entropy(logits.reshape(-1, 2), tags.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 20 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")


def decode_splits(idents, boundary):
    results = []
    for row, ident in enumerate(idents):
        words, current = [], ""
        limit = min(len(ident), boundary.size(1))
        for pos in range(limit):
            if boundary[row, pos] == 1 and current:
                words.append(current.strip("_").lower())
                current = ""
            current += ident[pos]
        current += ident[limit:]
        words.append(current.strip("_").lower())
        results.append([w for w in words if w])
    return results


def boundary_f1(pred_words, idents):
    tp = fp = fn = 0
    for words, ident in zip(pred_words, idents):
        gold = {m.group().lower() for m in re.finditer(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", ident)}
        pred = set(words)
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return 2 * tp / max(1, 2 * tp + fp + fn)


def main():
    chars, tags = encode_chars(TRAIN_IDENTS, with_tags=True)
    print("train batch", tuple(chars.shape))
    model = BoundaryTagger(len(CHAR2ID) + 2)
    train(model, chars, tags)

    model.eval()
    query_chars = encode_chars(QUERY_IDENTS)
    with torch.no_grad():
        boundary = model(query_chars).argmax(-1)
    splits = decode_splits(QUERY_IDENTS, boundary)
    for ident, words in zip(QUERY_IDENTS, splits):
        print(f"{ident:36s} -> {' / '.join(words)}")
    print(f"word-level F1 on queries: {boundary_f1(splits, QUERY_IDENTS):.3f}")


if __name__ == "__main__":
    main()
