import math
import random
from email.utils import parseaddr
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

HERE = Path(__file__).resolve().parent
MAIL_DIR = HERE / "mail_dump"
INTEL_TSV = HERE / "domain_intel.tsv"
VOCAB_TXT = HERE / "vocab.txt"
MAX_TOKENS = 48
SEED = 2024

LEGIT_DOMAINS = ["corp.example.com", "hr.example.com", "github.com", "atlassian.net"]
PHISH_DOMAINS = ["paypa1-secure.com", "micros0ft-login.net", "docu-sign-share.info", "payroll-update.co"]

LEGIT_SUBJECTS = ["weekly sync notes", "quarterly planning review", "pull request merged",
                  "sprint board updated", "team lunch friday", "benefits enrollment reminder"]
PHISH_SUBJECTS = ["urgent verify your account", "your mailbox is full", "invoice payment overdue",
                  "password expires today", "shared document waiting", "confirm payroll details"]
LEGIT_BODY = ["please find the notes attached", "the meeting moved to thursday", "thanks for the review",
              "see the ticket for details", "let me know if you have questions"]
PHISH_BODY = ["click the link below to verify", "your account will be suspended", "login now to avoid closure",
              "enter your password to continue", "download the secure document now"]
DISPLAY_NAMES = {"paypa1-secure.com": "PayPal Service", "micros0ft-login.net": "Microsoft Account Team",
                 "docu-sign-share.info": "DocuSign", "payroll-update.co": "Payroll Department",
                 "github.com": "GitHub", "atlassian.net": "Jira"}


def write_fixtures(n_mails=128):
    rng = random.Random(SEED)
    MAIL_DIR.mkdir(exist_ok=True)
    for f in MAIL_DIR.glob("*.eml"):
        f.unlink()
    for i in range(n_mails):
        phish = rng.random() < 0.45
        domain = rng.choice(PHISH_DOMAINS if phish else LEGIT_DOMAINS)
        user = rng.choice(["alerts", "noreply", "j.smith", "billing", "it-support"])
        addr = f"{user}@{domain}"
        if domain in DISPLAY_NAMES and rng.random() < 0.8:
            from_hdr = f'"{DISPLAY_NAMES[domain]}" <{addr}>'
        else:
            from_hdr = addr
        reply_to = f"support@{rng.choice(PHISH_DOMAINS)}" if phish and rng.random() < 0.6 else addr
        subject = rng.choice(PHISH_SUBJECTS if phish else LEGIT_SUBJECTS)
        body = " ".join(rng.choice(PHISH_BODY if phish else LEGIT_BODY) for _ in range(rng.randint(2, 5)))
        text = (f"From: {from_hdr}\nReply-To: {reply_to}\nSubject: {subject}\n"
                f"X-Triage-Label: {'phish' if phish else 'ham'}\n\n{body}\n")
        (MAIL_DIR / f"msg_{i:04d}.eml").write_text(text)

    with open(INTEL_TSV, "w") as fh:
        fh.write("domain\tage_days\treputation\tblocklisted\n")
        for d in LEGIT_DOMAINS:
            fh.write(f"{d}\t{rng.randint(900, 6000)}\t{rng.uniform(0.7, 1.0):.2f}\t0\n")
        for d in PHISH_DOMAINS:
            fh.write(f"{d}\t{rng.randint(1, 40)}\t{rng.uniform(0.0, 0.3):.2f}\t{rng.randint(0, 1)}\n")

    words = set()
    for chunk in LEGIT_SUBJECTS + PHISH_SUBJECTS + LEGIT_BODY + PHISH_BODY:
        words.update(chunk.split())
    VOCAB_TXT.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


def load_domain_intel(path):
    intel = {}
    with open(path) as fh:
        next(fh)
        for line in fh:
            domain, age, rep, blocked = line.rstrip("\n").split("\t")
            intel[domain] = (math.log1p(float(age)) / 10.0, float(rep), float(blocked))
    return intel


def parse_eml(path):
    raw = path.read_text()
    head, _, body = raw.partition("\n\n")
    headers = {}
    for line in head.splitlines():
        key, value = line.split(":", 1)
        headers[key.strip()] = value.strip()
    return headers, body.strip()


def sender_domain(from_header):
    return parseaddr(from_header)[1].rsplit("@", 1)[1].strip().lower()


class PhishMailDataset(Dataset):
    def __init__(self, files, tokenizer, intel):
        self.samples = []
        for path in files:
            headers, body = parse_eml(path)
            dom = sender_domain(headers["From"])
            reply_dom = sender_domain(headers.get("Reply-To", headers["From"]))
            age, rep, blocked = intel[dom]
            meta = torch.tensor([age, rep, blocked, float(dom != reply_dom)])
            text = headers["Subject"] + " " + body
            enc = tokenizer(text, max_length=MAX_TOKENS, truncation=True, padding="max_length",
                            return_tensors="pt")
            label = 1 if headers["X-Triage-Label"] == "phish" else 0
            self.samples.append((enc["input_ids"][0], enc["attention_mask"][0], meta, label))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


class PhishTriageModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.meta_mlp = nn.Sequential(nn.Linear(4, 16), nn.ReLU())
        self.head = nn.Linear(32 + 16, 2)

    def forward(self, input_ids, attention_mask, meta):
        cls = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        return self.head(torch.cat([cls, self.meta_mlp(meta)], dim=-1))


def main():
    torch.manual_seed(SEED)
    write_fixtures()
    tokenizer = BertTokenizer(str(VOCAB_TXT))
    intel = load_domain_intel(INTEL_TSV)

    files = sorted(MAIL_DIR.glob("*.eml"))
    random.Random(SEED).shuffle(files)
    split = int(0.8 * len(files))
    train_ds = PhishMailDataset(files[:split], tokenizer, intel)
    val_ds = PhishMailDataset(files[split:], tokenizer, intel)
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=32)

    model = PhishTriageModel(len(tokenizer))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for epoch in range(3):
        model.train()
        for ids, am, meta, y in train_dl:
            loss = F.cross_entropy(model(ids, am, meta), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        hits = n = 0
        with torch.no_grad():
            for ids, am, meta, y in val_dl:
                hits += (model(ids, am, meta).argmax(-1) == y).sum().item()
                n += y.numel()
        print(f"epoch {epoch}: last loss {loss.item():.3f}  val acc {hits / n:.3f}")


if __name__ == "__main__":
    main()
