import random
import re

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(7)
torch.manual_seed(7)

SECTIONS = ["CONTACT", "SUMMARY", "EXPERIENCE", "EDUCATION", "SKILLS"]

TEMPLATES = {
    "CONTACT": [
        "email {first}.{last}@{domain} phone {phone}",
        "{first} {last} | {city} | linkedin.com/in/{first}{last}",
        "tel {phone} address {city}",
    ],
    "SUMMARY": [
        "results driven {title} with {years} years of experience in {skill}",
        "passionate {title} focused on {skill} and {skill2}",
    ],
    "EXPERIENCE": [
        "{title} at {company} {year1} - {year2}",
        "led a team of {years} engineers building {skill} pipelines at {company}",
        "senior {title} {company} responsible for {skill2} migration",
    ],
    "EDUCATION": [
        "bsc computer science {university} {year1}",
        "master of business administration {university} graduated {year2}",
        "phd in {skill} {university}",
    ],
    "SKILLS": [
        "skills {skill} {skill2} {skill3}",
        "technical proficiencies : {skill} , {skill2} , {skill3}",
        "{skill} | {skill2} | {skill3} | {skill}",
    ],
}

FILL = {
    "first": ["anna", "ravi", "li", "maria", "tom", "fatima"],
    "last": ["smith", "kumar", "chen", "garcia", "okafor"],
    "domain": ["gmail.com", "outlook.com", "proton.me"],
    "phone": ["555-0101", "555-0199", "555-0142"],
    "city": ["berlin", "austin", "toronto", "pune"],
    "title": ["data engineer", "backend developer", "product manager", "recruiter"],
    "years": ["3", "5", "8", "12"],
    "skill": ["python", "sql", "kubernetes", "spark", "react", "nlp"],
    "skill2": ["airflow", "docker", "tableau", "java", "pytorch"],
    "skill3": ["git", "excel", "scrum", "aws", "gcp"],
    "company": ["acme", "globex", "initech", "umbrella"],
    "year1": ["2014", "2016", "2019"],
    "year2": ["2020", "2022", "present"],
    "university": ["tu munich", "ut austin", "iit bombay", "mcgill"],
}


def render(section):
    tpl = random.choice(TEMPLATES[section])
    return re.sub(r"\{(\w+)\}", lambda m: random.choice(FILL[m.group(1)]), tpl)


def tokenize(line):
    return re.findall(r"[a-z0-9@.\-]+|[|:,]", line.lower())


class ResumeLineDataset(Dataset):
    def __init__(self, n_lines, vocab=None):
        self.lines = []
        for _ in range(n_lines):
            sec = random.choice(SECTIONS)
            self.lines.append((tokenize(render(sec)), SECTIONS.index(sec)))
        if vocab is None:
            vocab = {"<pad>": 0, "<unk>": 1}
            for toks, _ in self.lines:
                for t in toks:
                    vocab.setdefault(t, len(vocab))
        self.vocab = vocab

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, idx):
        toks, label = self.lines[idx]
        ids = [self.vocab.get(t, 1) for t in toks]
        return torch.tensor(ids, dtype=torch.long), label


def collate_lines(batch):
    seqs, labels = zip(*batch)
    max_len = max(len(s) for s in seqs)
    input_ids = torch.zeros(len(seqs), max_len, dtype=torch.long)
    pad_mask = torch.zeros(len(seqs), max_len, dtype=torch.bool)
    for i, s in enumerate(seqs):
        input_ids[i, : len(s)] = s
        pad_mask[i, len(s):] = 1
    return input_ids, pad_mask, torch.tensor(labels)


class SectionClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, d_model=32, n_heads=2, max_len=64):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, n_classes)

    def forward(self, input_ids, pad_mask):
        pos = torch.arange(input_ids.size(1), device=input_ids.device)
        h = self.tok_emb(input_ids) + self.pos_emb(pos)[None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (pad_mask == 0).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for ids, mask, y in loader:
            pred = model(ids, mask).argmax(-1)
            correct += (pred == y).sum().item()
            total += y.numel()
    model.train()
    return correct / max(total, 1)


def main():
    train_ds = ResumeLineDataset(400)
    val_ds = ResumeLineDataset(100, vocab=train_ds.vocab)
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True, collate_fn=collate_lines)
    val_dl = DataLoader(val_ds, batch_size=32, collate_fn=collate_lines)

    model = SectionClassifier(len(train_ds.vocab), len(SECTIONS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        running = 0.0
        for ids, mask, y in train_dl:
            logits = model(ids, mask)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch} loss {running / len(train_dl):.4f} val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
