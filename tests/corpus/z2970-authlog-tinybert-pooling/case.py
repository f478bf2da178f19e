import os
import re
import random
from collections import Counter

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "log_vocab.txt")
MAX_LEN = 48
WINDOW = 3

LABELS = ["normal", "bruteforce", "priv_esc", "port_scan"]
SOURCES = ["sshd", "sudo", "kernel", "cron", "systemd"]

PATTERNS = {
    "normal": [
        ("cron", "CRON[{n}]: (root) CMD (/usr/lib/sysstat/sa1 1 1)"),
        ("systemd", "systemd[1]: Started Session {n} of user {u}."),
        ("sshd", "sshd[{n}]: Accepted publickey for {u} from {ip} port {n} ssh2"),
    ],
    "bruteforce": [
        ("sshd", "sshd[{n}]: Failed password for invalid user {u} from {ip} port {n} ssh2"),
        ("sshd", "sshd[{n}]: Disconnecting authenticating user {u} {ip} port {n}: Too many authentication failures"),
    ],
    "priv_esc": [
        ("sudo", "sudo: {u} : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh"),
        ("sudo", "sudo: pam_unix(sudo:auth): authentication failure; logname={u} uid={n} euid=0 tty=/dev/pts/1"),
    ],
    "port_scan": [
        ("kernel", "kernel: [UFW BLOCK] IN=eth0 SRC={ip} DST=10.1.0.4 PROTO=TCP SPT={n} DPT={n} SYN"),
    ],
}

IP_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
HEX_OR_NUM_RE = re.compile(r"\b(?:0x[0-9a-f]+|\d+)\b")


def render(tmpl):
    return tmpl.format(
        n=random.randint(1, 60000),
        u=random.choice(["oracle", "admin", "test", "ubuntu", "pi", "git"]),
        ip=".".join(str(random.randint(1, 254)) for _ in range(4)),
    )


def template_of(line):
    line = IP_RE.sub(" ipaddr ", line)
    return HEX_OR_NUM_RE.sub(" num ", line).lower()


def event_windows(n_windows):
    out = []
    for _ in range(n_windows):
        label = random.choices(LABELS, weights=[0.55, 0.2, 0.1, 0.15])[0]
        events = [random.choice(PATTERNS[label]) for _ in range(WINDOW)]
        src = events[0][0]
        text = " ; ".join(template_of(render(t)) for _, t in events)
        out.append({"text": text, "source": src, "label": LABELS.index(label)})
    return out


def write_vocab(samples, path, min_freq=1):
    word_re = re.compile(r"\w+|[^\w\s]")
    counts = Counter(w for s in samples for w in word_re.findall(s["text"]))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"[SRC_{s.upper()}]" for s in SOURCES]
    words = [w for w, c in counts.most_common() if c >= min_freq]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return len(specials) + len(words)


class LogBertClassifier(nn.Module):
    def __init__(self, vocab_size, n_labels):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, hidden_dropout_prob=0.0)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.head(pooled)


def encode(tokenizer, samples):
    enc = tokenizer([s["text"] for s in samples], padding="max_length", truncation=True,
                    max_length=MAX_LEN, return_tensors="pt")
    src_ids = torch.tensor(tokenizer.convert_tokens_to_ids([f"[SRC_{s['source'].upper()}]" for s in samples]))
    input_ids = torch.cat([enc["input_ids"][:, :1], src_ids[:, None], enc["input_ids"][:, 1:]], dim=1)
    return {
        "input_ids": input_ids,
        "attention_mask": enc["attention_mask"],
        "labels": torch.tensor([s["label"] for s in samples]),
    }


train, dev = event_windows(400), event_windows(100)
write_vocab(train, VOCAB_PATH)
tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)
print("vocab size:", tokenizer.vocab_size)

train_batch = encode(tokenizer, train)
dev_batch = encode(tokenizer, dev)

model = LogBertClassifier(tokenizer.vocab_size, len(LABELS))
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(3):
    model.train()
    perm = torch.randperm(train_batch["input_ids"].size(0))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        logits = model(train_batch["input_ids"][idx], train_batch["attention_mask"][idx])
        loss = loss_fn(logits, train_batch["labels"][idx])
        optim.zero_grad()
        loss.backward()
        optim.step()
    model.eval()
    with torch.no_grad():
        pred = model(dev_batch["input_ids"], dev_batch["attention_mask"]).argmax(-1)
    acc = (pred == dev_batch["labels"]).float().mean().item()
    print(f"epoch {epoch} last_loss={loss.item():.4f} dev_acc={acc:.3f}")
