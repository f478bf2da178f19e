import csv
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT_CSV = os.path.join(HERE, "soc_mail_export.csv")
VOCAB_TXT = os.path.join(HERE, "mail_vocab.txt")

VERDICTS = ["legit", "spam", "phish"]
SOC_CODES = {"legit": 1, "spam": 2, "phish": 3}

CFG = {
    "max_len": 48,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 1,
    "seed": 7,
}

LEGIT = [
    "hi team the quarterly report is attached please review before friday",
    "meeting moved to room four see you at ten",
    "reminder the build server will be patched tonight",
    "thanks for the update lets sync tomorrow about the release",
]
SPAM = [
    "limited offer buy now and save fifty percent on watches",
    "you have been selected for a free cruise click here",
    "cheap pills online no prescription needed order today",
    "earn money from home fast guaranteed results",
]
PHISH = [
    "your account has been suspended verify your password at the link below",
    "urgent invoice payment required login to the portal to confirm",
    "security alert unusual sign in detected reset your credentials now",
    "your mailbox is full click here to validate your account",
]


def dump_soc_export(path, n=120, seed=0):
    rng = random.Random(seed)
    pools = {"legit": LEGIT, "spam": SPAM, "phish": PHISH}
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["msg_id", "sender_domain", "body", "verdict", "verdict_code"])
        w.writeheader()
        for i in range(n):
            verdict = rng.choice(VERDICTS)
            body = rng.choice(pools[verdict])
            if rng.random() < 0.3:
                body = body + " " + rng.choice(pools[verdict])
            w.writerow({
                "msg_id": f"MSG-{i:05d}",
                "sender_domain": rng.choice(["corp.local", "mailer.biz", "secure-login.co", "gmail.com"]),
                "body": body,
                "verdict": verdict,
                "verdict_code": SOC_CODES[verdict],
            })


def write_vocab(path):
    words = set()
    for s in LEGIT + SPAM + PHISH:
        words.update(s.split())
    words.update(["corp", "local", "mailer", "biz", "secure", "login", "co", "gmail", "com", "from", ":"])
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")


def load_export(path):
    texts, labels = [], []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            dom = row["sender_domain"].replace(".", " ").replace("-", " ")
            texts.append(f"from : {dom} {row['body']}")
            labels.append(VERDICTS.index(row["verdict"]))
    return texts, labels


class MailDataset(Dataset):
    def __init__(self, texts, labels, tokenizer, max_len):
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.labels = torch.tensor(labels, dtype=torch.long)

    def __len__(self):
        return self.labels.shape[0]

    def __getitem__(self, idx):
        item = {k: v[idx] for k, v in self.enc.items()}
        item["labels"] = self.labels[idx]
        return item


def main():
    torch.manual_seed(CFG["seed"])
    dump_soc_export(EXPORT_CSV, seed=CFG["seed"])
    write_vocab(VOCAB_TXT)
    tokenizer = BertTokenizer(VOCAB_TXT)

    texts, labels = load_export(EXPORT_CSV)
    ds = MailDataset(texts, labels, tokenizer, CFG["max_len"])
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(VERDICTS),
        id2label={i: v for i, v in enumerate(VERDICTS)},
        label2id={v: i for i, v in enumerate(VERDICTS)},
    )
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    model.train()
    for epoch in range(CFG["epochs"]):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running / (step + 1):.4f}")

    model.eval()
    sample = tokenizer(["security alert verify your password now"], return_tensors="pt")
    with torch.no_grad():
        pred = model(**sample).logits.argmax(-1).item()
    print("triage verdict:", model.config.id2label[pred])


if __name__ == "__main__":
    main()
