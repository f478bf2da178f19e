import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

CFG = {
    "seed": 13,
    "hidden_size": 32,
    "num_layers": 1,
    "num_heads": 2,
    "ffn_size": 64,
    "max_len": 48,
    "match_hidden": 64,
    "n_pairs": 160,
    "batch_size": 8,
    "epochs": 2,
    "lr": 2e-4,
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

HERE = os.path.dirname(os.path.abspath(__file__))

SKILLS = ["python", "sql", "java", "spark", "kubernetes", "docker", "react", "typescript",
          "excel", "tableau", "pytorch", "tensorflow", "aws", "gcp", "salesforce", "sap"]
ROLES = ["data", "engineer", "analyst", "scientist", "developer", "manager", "frontend",
         "backend", "platform", "sales", "consultant"]
FILLER = ["experience", "with", "years", "of", "strong", "required", "team", "built",
          "looking", "for", "senior", "junior", "remote", "hybrid", "we", "are", "in", "and"]


def write_vocab(path):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + SKILLS + ROLES + FILLER + \
        [str(i) for i in range(1, 16)]
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def fake_job():
    skills = random.sample(SKILLS, 3)
    role = " ".join(random.sample(ROLES, 2))
    text = f"we are looking for a senior {role} with {random.randint(2, 9)} years of " \
           f"experience in {skills[0]} {skills[1]} and {skills[2]}"
    return text, set(skills)


def fake_resume(job_skills, positive):
    if positive:
        skills = list(job_skills)[:2] + random.sample(SKILLS, 1)
    else:
        skills = random.sample([s for s in SKILLS if s not in job_skills], 3)
    role = " ".join(random.sample(ROLES, 2))
    return f"{role} {random.randint(1, 12)} years built {' '.join(skills)} team remote"


def make_pairs(n):
    pairs = []
    for _ in range(n):
        job, job_skills = fake_job()
        label = int(random.random() < 0.5)
        pairs.append((fake_resume(job_skills, label == 1), job, label))
    return pairs


def build_encoder(cfg, vocab_size):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg["hidden_size"],
        num_hidden_layers=cfg["num_layers"],
        num_attention_heads=cfg["num_heads"],
        intermediate_size=cfg["ffn_size"],
        max_position_embeddings=64,
    )
    return BertModel(bert_cfg)


def build_match_head(cfg):
    return nn.Sequential(
        nn.Linear(3 * cfg["hidden_size"], cfg["match_hidden"]),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(cfg["match_hidden"], 2),
    )


def mean_pool(last_hidden, attention_mask):
    m = attention_mask.unsqueeze(-1).to(last_hidden.dtype)
    return (last_hidden * m).sum(1) / m.sum(1).clamp(min=1e-6)


def embed(encoder, tokenizer, texts, max_len):
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len,
                    return_tensors="pt")
    out = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    return mean_pool(out.last_hidden_state, enc["attention_mask"])


def pair_features(u, v):
    return torch.cat([u, v, torch.abs(u - v), u * v], dim=-1)


def batches(pairs, bs):
    idx = list(range(len(pairs)))
    random.shuffle(idx)
    for i in range(0, len(idx), bs):
        chunk = [pairs[j] for j in idx[i:i + bs]]
        resumes, jobs, labels = zip(*chunk)
        yield list(resumes), list(jobs), torch.tensor(labels)


def train(cfg):
    vocab_path = write_vocab(os.path.join(HERE, "hr_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)
    encoder = build_encoder(cfg, tokenizer.vocab_size)
    head = build_match_head(cfg)
    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=cfg["lr"])

    pairs = make_pairs(cfg["n_pairs"])
    split = int(0.8 * len(pairs))
    train_pairs, val_pairs = pairs[:split], pairs[split:]

    for epoch in range(cfg["epochs"]):
        encoder.train(); head.train()
        losses = []
        for resumes, jobs, labels in batches(train_pairs, cfg["batch_size"]):
            u = embed(encoder, tokenizer, resumes, cfg["max_len"])
            v = embed(encoder, tokenizer, jobs, cfg["max_len"])
            logits = head(pair_features(u, v))
            loss = F.cross_entropy(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())

        encoder.eval(); head.eval()
        hits = 0
        with torch.no_grad():
            for resumes, jobs, labels in batches(val_pairs, 16):
                u = embed(encoder, tokenizer, resumes, cfg["max_len"])
                v = embed(encoder, tokenizer, jobs, cfg["max_len"])
                hits += (head(pair_features(u, v)).argmax(-1) == labels).sum().item()
        print(f"epoch {epoch}: train_loss={np.mean(losses):.4f} "
              f"val_acc={hits / len(val_pairs):.3f}")


if __name__ == "__main__":
    train(CFG)
