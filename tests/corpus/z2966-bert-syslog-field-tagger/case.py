import random
import re
from pathlib import Path

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = Path(__file__).resolve().parent
MAX_LEN = 48
TAGS = ["O", "HOST", "PROC", "PID", "USER", "SRC_IP", "PORT"]
tag2id = {t: i for i, t in enumerate(TAGS)}

HOSTS = ["web01", "db02", "bastion", "mail"]
USERS = ["root", "admin", "oracle", "git", "ubuntu", "test"]

SSH_RE = re.compile(
    r"^(?P<ts>\w{3}\s+\d+ \d\d:\d\d:\d\d) (?P<host>\S+) (?P<proc>sshd)\[(?P<pid>\d+)\]: "
    r"(?P<verb>Failed password|Accepted password|Invalid user) (?:for )?(?:invalid user )?"
    r"(?P<user>\S+) from (?P<ip>[\d.]+) port (?P<port>\d+)(?: ssh2)?$"
)


def fake_syslog(n):
    lines = []
    for _ in range(n):
        verb = random.choice(["Failed password for", "Accepted password for",
                              "Failed password for invalid user", "Invalid user"])
        ip = ".".join(str(random.randint(1, 254)) for _ in range(4))
        lines.append(
            f"Mar {random.randint(1, 28)} {random.randint(0, 23):02d}:{random.randint(0, 59):02d}:"
            f"{random.randint(0, 59):02d} {random.choice(HOSTS)} sshd[{random.randint(300, 65000)}]: "
            f"{verb} {random.choice(USERS)} from {ip} port {random.randint(1024, 65535)} ssh2"
        )
    return lines


def to_words_and_tags(line):
    m = SSH_RE.match(line)
    g = m.groupdict()
    words, tags = [], []

    def add(text, tag):
        for w in text.split():
            words.append(w)
            tags.append(tag)

    add(g["ts"], "O")
    add(g["host"], "HOST")
    add(g["proc"], "PROC")
    add(g["pid"], "PID")
    add(g["verb"], "O")
    add(g["user"], "USER")
    add("from", "O")
    add(g["ip"], "SRC_IP")
    add("port", "O")
    add(g["port"], "PORT")
    return words, tags


def write_vocab(path):
    base = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ":", "[", "]"]
    words = ["mar", "sshd", "failed", "accepted", "password", "for", "invalid", "user",
             "from", "port", "ssh2"] + HOSTS + USERS
    digits = [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    path.write_text("\n".join(base + words + digits) + "\n")


def encode(tokenizer, examples):
    words = [w for w, _ in examples]
    enc = tokenizer(words, is_split_into_words=True, padding="max_length",
                    truncation=True, max_length=MAX_LEN, return_tensors="pt")
    labels = []
    for i, (_, tags) in enumerate(examples):
        prev, row = None, []
        for wid in enc.word_ids(i):
            if wid is None or wid == prev:
                row.append(-100)
            else:
                row.append(tag2id[tags[wid]])
            prev = wid
        labels.append(row)
    enc["labels"] = torch.tensor(labels)
    return enc


class LogFieldTagger(nn.Module):
    def __init__(self, config, num_tags):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, num_tags)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state
        return self.classifier(self.dropout(h))


vocab_path = HERE / "syslog_vocab.txt"
write_vocab(vocab_path)
tokenizer = BertTokenizer(str(vocab_path))

corpus = [to_words_and_tags(line) for line in fake_syslog(256)]
train, dev = corpus[:224], corpus[224:]

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
model = LogFieldTagger(config, num_tags=len(TAGS))
criterion = nn.CrossEntropyLoss(ignore_index=-100)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)


def batch_iter(data, size, shuffle=False):
    idx = list(range(len(data)))
    if shuffle:
        random.shuffle(idx)
    for s in range(0, len(idx), size):
        yield encode(tokenizer, [data[j] for j in idx[s:s + size]])


for epoch in range(2):
    model.train()
    losses = []
    for batch in batch_iter(train, 16, shuffle=True):
        logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        loss = criterion(logits, batch["labels"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in batch_iter(dev, 32):
            pred = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]).argmax(-1)
            mask = batch["labels"] != -100
            correct += (pred[mask] == batch["labels"][mask]).sum().item()
            total += mask.sum().item()
    print(f"epoch {epoch} loss {sum(losses) / len(losses):.4f} dev token acc {correct / total:.3f}")
