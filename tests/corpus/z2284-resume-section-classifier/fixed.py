"""Resume line -> section classifier (CONTACT / SUMMARY / EXPERIENCE / EDUCATION / SKILLS).

Small baseline used by the parsing service before the heavier layout model kicks in.
"""
import random
import re
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "max_len": 24,
    "min_freq": 1,
    "emb_dim": 48,
    "hidden": 64,
    "batch_size": 16,
    "epochs": 2,
    "lr": 2e-3,
}

SECTIONS = ["CONTACT", "SUMMARY", "EXPERIENCE", "EDUCATION", "SKILLS"]
PAD, UNK = "<pad>", "<unk>"

TEMPLATES = {
    "CONTACT": ["{name} | {email} | {phone}", "Email: {email}", "Phone {phone} , {city}",
                "LinkedIn linkedin.com/in/{handle}"],
    "SUMMARY": ["Results-driven {role} with {n} years of experience in {skill} and {skill2}",
                "Passionate {role} focused on building scalable {skill} systems",
                "Summary : {role} , {n}+ yrs"],
    "EXPERIENCE": ["{role} at {company} ( {year} - present )",
                   "Led a team of {n} engineers to migrate {skill} workloads to {skill2}",
                   "Reduced latency by {n} % by rewriting the {skill} pipeline at {company}",
                   "{company} , {city} — {role}"],
    "EDUCATION": ["B.Sc. Computer Science , {univ} , {year}", "M.S. in Data Science from {univ}",
                  "{univ} — GPA {gpa}", "Relevant coursework : algorithms , {skill} , statistics"],
    "SKILLS": ["Skills : {skill} , {skill2} , {skill3}", "{skill} / {skill2} / {skill3} / Git",
               "Technical skills {skill} {skill2}", "Languages : English , Spanish ; Tools : {skill}"],
}
FILL = {
    "name": ["Ana Ortiz", "Rahul Mehta", "Chen Wei", "Olga Petrova", "Sam Carter"],
    "email": ["ana.o@mail.com", "rmehta@corp.io", "chenw@uni.edu", "opetrova@gmail.com"],
    "phone": ["+1 555 0192", "(415) 555-2211", "+44 20 7946 0018"],
    "city": ["Austin", "Berlin", "Toronto", "Pune", "Madrid"],
    "handle": ["anaortiz", "rahul-m", "chenwei88"],
    "role": ["data engineer", "backend developer", "ML engineer", "product analyst", "SRE"],
    "company": ["Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Logistics"],
    "skill": ["Python", "Spark", "Kubernetes", "PyTorch", "SQL", "Airflow", "Terraform"],
    "skill2": ["AWS", "GCP", "Kafka", "Docker", "React", "dbt"],
    "skill3": ["Go", "Java", "Scala", "Tableau", "Redis"],
    "univ": ["MIT", "TU Munich", "University of Toronto", "IIT Bombay"],
    "year": ["2015", "2018", "2020", "2021"],
    "n": ["3", "5", "8", "12", "40"],
    "gpa": ["3.7", "3.9", "3.4"],
}


def synth_resume_lines(n_lines):
    lines, labels = [], []
    for _ in range(n_lines):
        sec = random.choice(SECTIONS)
        tpl = random.choice(TEMPLATES[sec])
        text = tpl.format(**{k: random.choice(v) for k, v in FILL.items()})
        lines.append(text)
        labels.append(SECTIONS.index(sec))
    return lines, labels


def tokenize(text):
    return re.findall(r"[a-z0-9@\.\+\-]+|[^\sa-z0-9]", text.lower())


def build_vocab(lines, min_freq=1):
    counts = Counter(tok for line in lines for tok in tokenize(line))
    itos = [PAD, UNK] + sorted(t for t, c in counts.items() if c >= min_freq)
    return {t: i for i, t in enumerate(itos)}


def encode(text, vocab, max_len, pad_to=None):
    ids = [vocab.get(t, vocab[UNK]) for t in tokenize(text)][:max_len]
    if pad_to is not None:
        ids = ids + [vocab[PAD]] * (pad_to - len(ids))
    return ids


class ResumeLineDataset(Dataset):
    def __init__(self, lines, labels, vocab, max_len):
        self.lines = lines
        self.labels = labels
        self.vocab = vocab
        self.max_len = max_len

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, idx):
        ids = encode(self.lines[idx], self.vocab, max_len=self.max_len, pad_to=self.max_len)
        return {
            "input_ids": torch.tensor(ids, dtype=torch.long),
            "label": torch.tensor(self.labels[idx], dtype=torch.long),
        }


class SectionClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden, n_classes, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * hidden, n_classes))
        self.pad_idx = pad_idx

    def forward(self, input_ids):
        mask = (input_ids != self.pad_idx).unsqueeze(-1).float()
        h, _ = self.gru(self.emb(input_ids))
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, loader, optim, loss_fn):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for batch in loader:
        logits = model(batch["input_ids"])
        loss = loss_fn(logits, batch["label"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        loss_sum += loss.item() * len(batch["label"])
        correct += (logits.argmax(-1) == batch["label"]).sum().item()
        total += len(batch["label"])
    return loss_sum / total, correct / total


def main():
    lines, labels = synth_resume_lines(400)
    vocab = build_vocab(lines, CFG["min_freq"])
    print(f"vocab size: {len(vocab)}  lines: {len(lines)}")

    train_ds = ResumeLineDataset(lines, labels, vocab, max_len=CFG["max_len"])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)

    model = SectionClassifier(len(vocab), CFG["emb_dim"], CFG["hidden"], len(SECTIONS))
    optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(CFG["epochs"]):
        loss, acc = run_epoch(model, train_dl, optim, loss_fn)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main()
