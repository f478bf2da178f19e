import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

FINDINGS = ["cardiomegaly", "effusion", "pneumothorax", "consolidation", "edema"]
REPORT_WORDS = [
    "no", "acute", "mild", "moderate", "small", "left", "right", "lower", "lobe", "pleural",
    "heart", "size", "normal", "enlarged", "lungs", "clear", "opacity", "seen", "stable",
    "compared", "prior", "study", "line", "tube", "in", "place", "there", "is", "a",
] + FINDINGS


@dataclass
class FusionConfig:
    image_size: int = 32
    patch_size: int = 8
    patch_dim: int = 24
    text_dim: int = 32
    n_findings: int = len(FINDINGS)
    max_report_len: int = 40


class PatchEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Conv2d(1, cfg.patch_dim, kernel_size=cfg.patch_size, stride=cfg.patch_size)
        self.norm = nn.LayerNorm(cfg.patch_dim)

    def forward(self, films):
        patches = self.proj(films).flatten(2).transpose(1, 2)
        return self.norm(patches).mean(dim=1)


class ReportEncoder(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.bert = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=cfg.text_dim, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64,
            max_position_embeddings=cfg.max_report_len,
        ))

    def forward(self, ids, mask):
        return self.bert(input_ids=ids, attention_mask=mask).pooler_output


class FindingsClassifier(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.image = PatchEncoder(cfg)
        self.report = ReportEncoder(cfg, vocab_size)
        self.classifier = nn.Sequential(
            nn.Linear(cfg.patch_dim + cfg.text_dim, 32), nn.ReLU(), nn.Linear(32, cfg.n_findings)
        )

    def forward(self, films, ids, mask):
        return self.classifier(torch.cat([self.image(films), self.report(ids, mask)], dim=-1))


def synth_studies(rng, n, cfg):
    studies = []
    for k in range(n):
        present = [f for f in FINDINGS if rng.random() < 0.3]
        words = [rng.choice(REPORT_WORDS) for _ in range(rng.randint(6, 14))] + present
        film = None
        if rng.random() > 0.2:
            film = torch.randn(1, cfg.image_size, cfg.image_size)
        studies.append({"accession": f"ACC{k:05d}", "report": " ".join(words),
                        "film": film, "findings": present})
    return studies


def build_tensors(studies, tokenizer, cfg):
    films, reports = [], []
    for s in studies:
        if s["film"] is None:
            print(f"skipping {s['accession']}: image not retrieved from PACS")
            continue
        films.append(s["film"])
        reports.append(s["report"])
    enc = tokenizer(reports, padding=True, truncation=True, max_length=cfg.max_report_len,
                    return_tensors="pt")
    targets = torch.tensor(
        [[1.0 if f in s["findings"] else 0.0 for f in FINDINGS] for s in studies]
    )
    return torch.stack(films), enc["input_ids"], enc["attention_mask"], targets


def main():
    torch.manual_seed(0)
    rng = random.Random(11)
    cfg = FusionConfig()
    with tempfile.TemporaryDirectory() as tmp:
        vocab = os.path.join(tmp, "vocab.txt")
        with open(vocab, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + REPORT_WORDS))
        tokenizer = BertTokenizer(vocab)

        studies = synth_studies(rng, 24, cfg)
        films, ids, mask, targets = build_tensors(studies, tokenizer, cfg)

        model = FindingsClassifier(cfg, tokenizer.vocab_size)
        optim = torch.optim.Adam(model.parameters(), lr=1e-3)
        criterion = nn.BCEWithLogitsLoss()

        bs = 8
        for epoch in range(3):
            running = 0.0
            for i in range(0, films.size(0), bs):
                logits = model(films[i:i + bs], ids[i:i + bs], mask[i:i + bs])
                loss = criterion(logits, targets[i:i + bs])
                optim.zero_grad()
                loss.backward()
                optim.step()
                running += loss.item()
            print(f"epoch {epoch} loss {running:.3f}")


if __name__ == "__main__":
    main()
