"""Cross-encoder that scores (job posting, resume, extracted skills) triples for shortlisting."""
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(13)
torch.manual_seed(13)

SKILLS = ["python", "sql", "java", "kubernetes", "excel", "tableau", "spark",
          "react", "aws", "docker", "figma", "salesforce", "sap", "scrum"]
ROLES = ["data", "analyst", "engineer", "scientist", "manager", "developer",
         "designer", "recruiter", "senior", "junior", "lead", "backend", "frontend"]
FILLER = ["experience", "years", "team", "built", "worked", "with", "strong",
          "required", "must", "have", "and", "in", "of", "the", "for", "remote",
          "hybrid", "degree", "bachelor", "master", "looking", "skills"]

SEGMENTS = {"job": 0, "resume": 1, "skills": 2}


@dataclass
class MatchConfig:
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    intermediate_size: int = 64
    max_positions: int = 128
    type_vocab_size: int = 2
    max_job_tokens: int = 40
    max_resume_tokens: int = 50
    max_skill_tokens: int = 12
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 2


def write_vocab(path):
    words = sorted(set(SKILLS + ROLES + FILLER))
    with open(path, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(tok + "\n")


def fake_pair(rng):
    role = rng.sample(ROLES, 2)
    job_skills = rng.sample(SKILLS, 4)
    cand_skills = rng.sample(SKILLS, 4)
    job = role + ["required"] + job_skills + rng.sample(FILLER, 8)
    resume = rng.sample(ROLES, 2) + ["experience", "with"] + cand_skills + rng.sample(FILLER, 12)
    overlap = len(set(job_skills) & set(cand_skills))
    label = 1.0 if overlap >= 2 else 0.0
    return " ".join(job), " ".join(resume), " ".join(cand_skills), label


class TripletMatchDataset(Dataset):
    def __init__(self, n, tokenizer, cfg, seed=0):
        rng = random.Random(seed)
        self.rows = [fake_pair(rng) for _ in range(n)]
        self.tok = tokenizer
        self.cfg = cfg

    def __len__(self):
        return len(self.rows)

    def encode(self, job, resume, skills):
        parts = [
            ("job", self.tok.tokenize(job)[: self.cfg.max_job_tokens]),
            ("resume", self.tok.tokenize(resume)[: self.cfg.max_resume_tokens]),
            ("skills", self.tok.tokenize(skills)[: self.cfg.max_skill_tokens]),
        ]
        tokens = [self.tok.cls_token]
        segment_ids = [SEGMENTS["job"]]
        for name, toks in parts:
            tokens += toks + [self.tok.sep_token]
            segment_ids += [SEGMENTS[name]] * (len(toks) + 1)
        return self.tok.convert_tokens_to_ids(tokens), segment_ids

    def __getitem__(self, i):
        job, resume, skills, label = self.rows[i]
        ids, segs = self.encode(job, resume, skills)
        return {"input_ids": ids, "token_type_ids": segs, "label": label}


def collate(batch, pad_id=0):
    longest = max(len(b["input_ids"]) for b in batch)
    input_ids, token_type_ids, attention_mask = [], [], []
    for b in batch:
        pad = longest - len(b["input_ids"])
        input_ids.append(b["input_ids"] + [pad_id] * pad)
        token_type_ids.append(b["token_type_ids"] + [0] * pad)
        attention_mask.append([1] * len(b["input_ids"]) + [0] * pad)
    return {
        "input_ids": torch.tensor(input_ids),
        "token_type_ids": torch.tensor(token_type_ids),
        "attention_mask": torch.tensor(attention_mask),
        "labels": torch.tensor([b["label"] for b in batch]),
    }


class CandidateJobMatcher(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden_size,
            num_hidden_layers=cfg.num_layers,
            num_attention_heads=cfg.num_heads,
            intermediate_size=cfg.intermediate_size,
            max_position_embeddings=cfg.max_positions,
            type_vocab_size=cfg.type_vocab_size,
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=True)
        self.dropout = nn.Dropout(0.1)
        self.scorer = nn.Linear(cfg.hidden_size, 1)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        return self.scorer(self.dropout(out.pooler_output)).squeeze(-1)


def main():
    cfg = MatchConfig()
    vocab_path = os.path.join(HERE, "hr_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    train_ds = TripletMatchDataset(64, tokenizer, cfg, seed=1)
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=lambda b: collate(b, tokenizer.pad_token_id))

    model = CandidateJobMatcher(tokenizer.vocab_size, cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    model.train()
    for epoch in range(cfg.epochs):
        total = 0.0
        for batch in loader:
            logits = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["labels"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        batch = collate([train_ds[i] for i in range(4)], tokenizer.pad_token_id)
        scores = torch.sigmoid(model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"]))
    print("match scores:", [round(s, 3) for s in scores.tolist()])


if __name__ == "__main__":
    main()
