"""Bug-report triage: predict the severity level of an issue from its title and
the top frame of the attached stack trace. Severity comes from the tracker export
(1 = blocker ... 4 = trivial)."""
import csv
import os
import re
import tempfile
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

TRACKER_ROWS = [
    ("NullPointerException in SessionManager.close", "at SessionManager.close(SessionManager.java:88)", 1),
    ("Crash on startup when config missing", "at ConfigLoader.load(ConfigLoader.java:41)", 1),
    ("Wrong tooltip text on save button", "at ToolbarView.render(ToolbarView.java:12)", 4),
    ("IndexOutOfBoundsException in parseHeader", "at HttpParser.parseHeader(HttpParser.java:203)", 2),
    ("Slow query when listing projects", "at ProjectDao.findAll(ProjectDao.java:77)", 3),
    ("Typo in error message", "at Messages.format(Messages.java:5)", 4),
    ("Data loss when sync interrupted", "at SyncWorker.flush(SyncWorker.java:130)", 1),
    ("ClassCastException in PluginRegistry", "at PluginRegistry.get(PluginRegistry.java:58)", 2),
    ("Memory grows during indexing", "at Indexer.addDocument(Indexer.java:310)", 2),
    ("Misaligned icon in sidebar", "at SidebarView.layout(SidebarView.java:19)", 4),
    ("Timeout in remote build cache", "at CacheClient.fetch(CacheClient.java:99)", 3),
    ("Deadlock in ThreadPool shutdown", "at ThreadPool.shutdown(ThreadPool.java:64)", 1),
]

SEVERITY_NAMES = ["blocker", "major", "minor", "trivial"]
NUM_SEVERITIES = len(SEVERITY_NAMES)
SPECIALS = ["<pad>", "<unk>", "<cls>"]


def export_tracker(folder):
    path = os.path.join(folder, "issues.csv")
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "top_frame", "severity"])
        writer.writerows(TRACKER_ROWS)
    return path


def split_identifiers(text):
    out = []
    for word in re.findall(r"[A-Za-z]+", text):
        parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", word)
        out.extend(p.lower() for p in parts)
    return out


def load_issues(path):
    issues = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            words = split_identifiers(row["title"]) + split_identifiers(row["top_frame"])
            issues.append((words, int(row["severity"]) - 1))
    return issues


def build_vocab(issues, min_count=1):
    counts = Counter(w for words, _ in issues for w in words)
    itos = SPECIALS + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def encode(words, stoi, max_len=24):
    ids = [stoi["<cls>"]] + [stoi.get(w, stoi["<unk>"]) for w in words]
    ids = ids[:max_len]
    return ids + [stoi["<pad>"]] * (max_len - len(ids))


class TriageEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32, max_len=24):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=ids.eq(0))
        return self.head(h[:, 0])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        issues = load_issues(export_tracker(tmp))

    stoi = build_vocab(issues)
    reports = torch.tensor([encode(words, stoi) for words, _ in issues])
    severity = torch.tensor([sev for _, sev in issues])
    print(f"{len(issues)} issues, vocab {len(stoi)}, severities {sorted(set(severity.tolist()))}")

    model = TriageEncoder(len(stoi), NUM_SEVERITIES)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(20):
        order = torch.randperm(len(issues))
        for chunk in order.split(4):
            logits = model(reports[chunk])
            loss = F.cross_entropy(logits, severity[chunk])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if step % 5 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        guess = model(reports).argmax(-1)
    for (words, _), g in zip(issues[:4], guess.tolist()):
        print(" ".join(words[:6]), "->", SEVERITY_NAMES[g])


if __name__ == "__main__":
    main()
