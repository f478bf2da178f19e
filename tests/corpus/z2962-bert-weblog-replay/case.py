import os
import re
import random
from collections import Counter

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(2024)
torch.manual_seed(2024)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "log_vocab.txt")

MAX_LEN = 64
TRAIN_WINDOW = 3
REPLAY_WINDOW = 10
REPLAY_STRIDE = 5
LABELS = ["normal", "sqli", "path_traversal", "scanner"]

PATHS = ["/index.html", "/login", "/api/v1/items", "/static/app.js", "/cart", "/search"]
ATTACK_PATHS = {
    "sqli": ["/search?q=1' or '1'='1", "/login?user=admin' union select password from users"],
    "path_traversal": ["/download?file=../../../../etc/passwd", "/static/../../etc/shadow"],
    "scanner": ["/wp-admin/setup-config.php", "/phpmyadmin/index.php", "/.env", "/cgi-bin/test.cgi"],
}
AGENTS = ["mozilla/5.0", "curl/7.68.0", "python-requests/2.31", "sqlmap/1.7", "nikto/2.5.0"]
STATUS = [200, 200, 200, 301, 304, 403, 404, 500]

NORMALIZERS = [
    (re.compile(r"\d{1,3}(?:\.\d{1,3}){3}"), " ipaddr "),
    (re.compile(r"\[[^\]]+\]"), " ts "),
    (re.compile(r"\b\d+\b"), " num "),
]
WORD_RE = re.compile(r"[a-z]+|[^\sa-z0-9]")


def access_line(kind):
    ip = ".".join(str(random.randint(1, 254)) for _ in range(4))
    path = random.choice(PATHS if kind == "normal" else ATTACK_PATHS[kind])
    agent = random.choice(AGENTS[:3] if kind == "normal" else AGENTS)
    return f'{ip} - - [10/Oct/2023:13:{random.randint(10, 59)}:00 +0000] "GET {path} HTTP/1.1" ' \
           f'{random.choice(STATUS)} {random.randint(100, 9000)} "-" "{agent}"'


def normalize(line):
    line = line.lower()
    for rx, repl in NORMALIZERS:
        line = rx.sub(repl, line)
    return " ".join(line.split())


def make_windows(n, window):
    out = []
    for _ in range(n):
        kind = random.choices(LABELS, weights=[6, 2, 2, 2])[0]
        lines = [access_line(kind if random.random() < 0.6 else "normal") for _ in range(window)]
        out.append((" [SEP] ".join(normalize(l) for l in lines), LABELS.index(kind)))
    return out


def write_vocab(texts, path, min_freq=1):
    counts = Counter(tok for t in texts for tok in WORD_RE.findall(t.replace("[sep]", " ")))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = [w for w, c in counts.most_common() if c >= min_freq]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return len(specials) + len(words)


def collate_fn(tokenizer):
    def _collate(batch):
        texts, ys = zip(*batch)
        enc = tokenizer(list(texts), padding="max_length", truncation=True,
                        max_length=MAX_LEN, return_tensors="pt")
        enc["labels"] = torch.tensor(ys)
        return enc
    return _collate


def replay_stream(lines, window, stride):
    for start in range(0, max(1, len(lines) - window + 1), stride):
        chunk = lines[start:start + window]
        yield start, " [SEP] ".join(normalize(l) for l in chunk)


@torch.no_grad()
def score_incident(model, tokenizer, raw_lines):
    model.eval()
    alerts = []
    for start, text in replay_stream(raw_lines, REPLAY_WINDOW, REPLAY_STRIDE):
        enc = tokenizer(text, return_tensors="pt")
        probs = model(**enc).logits.softmax(-1)[0]
        top = int(probs.argmax())
        if LABELS[top] != "normal":
            alerts.append((start, LABELS[top], round(float(probs[top]), 3)))
    return alerts


def main():
    train = make_windows(240, TRAIN_WINDOW)
    vocab_size = write_vocab([t for t, _ in train], VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_LEN,
        num_labels=len(LABELS),
    )
    model = BertForSequenceClassification(config)
    loader = DataLoader(train, batch_size=16, shuffle=True, collate_fn=collate_fn(tokenizer))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(2):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running += out.loss.item()
        print(f"epoch {epoch} mean loss {running / len(loader):.4f}")

    incident = [access_line("normal") for _ in range(12)] + \
               [access_line("sqli") for _ in range(8)] + \
               [access_line("scanner") for _ in range(10)]
    for start, label, p in score_incident(model, tokenizer, incident):
        print(f"lines {start}-{start + REPLAY_WINDOW}: {label} ({p})")


if __name__ == "__main__":
    main()
