"""Sewer CCTV survey notes: pretrain a GRU note encoder on defect codes, then reuse it
for severity grading on a new contract's surveys (resumed from the saved checkpoint)."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)

DEFECT_CODES = ["crack", "root_intrusion", "deformation", "joint_displaced"]
SURVEY_NOTES = [
    ("longitudinal crack at crown 2 m from manhole", "crack"),
    ("circumferential crack with slight infiltration", "crack"),
    ("fine roots through joint at 4 o clock", "root_intrusion"),
    ("mass roots blocking half the bore", "root_intrusion"),
    ("pipe deformed ovality about ten percent", "deformation"),
    ("joint displaced medium with soil visible", "joint_displaced"),
    ("open joint displaced large gap at invert", "joint_displaced"),
    ("multiple cracks and deformed section near bend", "deformation"),
]
# new contract: graded 1 (cosmetic) .. 5 (collapse imminent)
GRADED_NOTES = [
    ("fine crack at crown no infiltration", 1.0),
    ("mass roots blocking most of the bore", 4.0),
    ("pipe deformed ovality over twenty percent with cracks", 5.0),
    ("joint displaced slight", 2.0),
    ("circumferential crack with heavy infiltration", 3.0),
    ("fine roots at joint", 2.0),
]


def word_ids(text, vocab, grow=False):
    out = []
    for w in text.lower().split():
        if w not in vocab and grow:
            vocab[w] = len(vocab)
        out.append(vocab.get(w, 1))
    return out


def batches(rows, vocab, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        seqs = [torch.tensor(word_ids(t, vocab)) for t, _ in chunk]
        lengths = torch.tensor([len(s) for s in seqs])
        padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
        yield padded, lengths, [y for _, y in chunk]


class NoteEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden, bidirectional, dropout):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=bidirectional)
        self.drop = nn.Dropout(dropout)

    def forward(self, ids, lengths):
        states, _ = self.gru(self.emb(ids))
        keep = (torch.arange(ids.size(1))[None, :] < lengths[:, None]).unsqueeze(-1).float()
        pooled = (states * keep).sum(1) / lengths[:, None].float()
        return self.drop(pooled)


class DefectClassifier(nn.Module):
    def __init__(self, cfg, n_codes):
        super().__init__()
        self.encoder = NoteEncoder(**cfg)
        width = cfg["hidden"] * (2 if cfg["bidirectional"] else 1)
        self.head = nn.Linear(width, n_codes)

    def forward(self, ids, lengths):
        return self.head(self.encoder(ids, lengths))


class SeverityGrader(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = NoteEncoder(**cfg)
        self.severity = nn.Sequential(nn.Linear(cfg["hidden"], 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, ids, lengths):
        return self.severity(self.encoder(ids, lengths)).squeeze(-1)


# ---- pretraining on defect codes ----
vocab = {"<pad>": 0, "<unk>": 1}
for text, _ in SURVEY_NOTES:
    word_ids(text, vocab, grow=True)
enc_cfg = {"vocab_size": len(vocab), "emb_dim": 24, "hidden": 48, "bidirectional": True, "dropout": 0.1}
clf = DefectClassifier(enc_cfg, len(DEFECT_CODES))
opt = torch.optim.Adam(clf.parameters(), lr=3e-3)
for epoch in range(1):
    for ids, lengths, codes in batches(SURVEY_NOTES, vocab, size=4):
        target = torch.tensor([DEFECT_CODES.index(c) for c in codes])
        loss = F.cross_entropy(clf(ids, lengths), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"[pretrain] epoch {epoch} loss {loss.item():.3f}")

out_dir = tempfile.mkdtemp(prefix="cctv_")
ckpt_path = os.path.join(out_dir, "note_encoder.pt")
torch.save({"model": clf.state_dict(), "config": enc_cfg, "vocab": vocab,
            "labels": DEFECT_CODES, "epoch": epoch + 1}, ckpt_path)
print(f"[pretrain] checkpoint -> {ckpt_path}")

# ---- resume: severity grading for the new contract ----
ckpt = torch.load(ckpt_path, weights_only=False)
cfg = {**ckpt["config"], "dropout": 0.2}
grader = SeverityGrader(cfg)
result = grader.load_state_dict(ckpt["model"], strict=False)
print(f"[grading] loaded encoder (epoch {ckpt['epoch']}); new: {result.missing_keys}, "
      f"skipped: {result.unexpected_keys}")

opt = torch.optim.Adam(grader.parameters(), lr=1e-3)
for epoch in range(1):
    running = 0.0
    for ids, lengths, grades in batches(GRADED_NOTES, ckpt["vocab"], size=3):
        pred = grader(ids, lengths)
        loss = F.mse_loss(pred, torch.tensor(grades))
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"[grading] epoch {epoch} mse {running / 2:.3f}")
