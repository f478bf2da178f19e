from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

RHETORICAL_ROLES = [
    "FACTS",
    "ISSUE",
    "ARG_PETITIONER",
    "ARG_RESPONDENT",
    "STATUTE",
    "RATIO",
    "RULING",
]


@dataclass
class TaggerConfig:
    vocab_size: int = 500
    word_dim: int = 64
    sent_hidden: int = 64
    doc_hidden: int = 48
    num_roles: int = len(RHETORICAL_ROLES)
    max_sent_len: int = 30
    batch_size: int = 4
    lr: float = 2e-3
    epochs: int = 2
    seed: int = 7
    label_pad: int = -100


def make_judgments(cfg, n_docs):
    rng = np.random.default_rng(cfg.seed)
    # each role favours its own slice of the vocabulary
    band = (cfg.vocab_size - 1) // cfg.num_roles
    docs = []
    for _ in range(n_docs):
        n_sents = int(rng.integers(10, 31))
        # judgments roughly go facts -> issue -> arguments -> statute -> ratio -> ruling
        roles = np.sort(rng.integers(0, cfg.num_roles, size=n_sents))
        sents = []
        for r in roles:
            length = int(rng.integers(5, cfg.max_sent_len + 1))
            lo = 1 + r * band
            ids = np.where(
                rng.random(length) < 0.6,
                rng.integers(lo, lo + band, size=length),
                rng.integers(1, cfg.vocab_size, size=length),
            )
            sents.append(torch.as_tensor(ids, dtype=torch.long))
        docs.append({"sentences": sents, "roles": torch.as_tensor(roles, dtype=torch.long)})
    return docs


class JudgmentDataset(Dataset):
    def __init__(self, docs):
        self.docs = docs

    def __len__(self):
        return len(self.docs)

    def __getitem__(self, i):
        return self.docs[i]


def collate_judgments(batch, max_sent_len, label_pad):
    n_sents = max(len(d["sentences"]) for d in batch)
    tokens = torch.zeros(len(batch), n_sents, max_sent_len, dtype=torch.long)
    for b, d in enumerate(batch):
        for s, sent in enumerate(d["sentences"]):
            tokens[b, s, : len(sent)] = sent[:max_sent_len]
    roles = pad_sequence([d["roles"] for d in batch], batch_first=True, padding_value=label_pad)
    sent_mask = roles != label_pad
    return tokens, sent_mask, roles


class HierarchicalRoleTagger(nn.Module):
    def __init__(self, cfg: TaggerConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.word_dim, padding_idx=0)
        self.sent_encoder = nn.GRU(cfg.word_dim, cfg.sent_hidden, batch_first=True, bidirectional=True)
        self.doc_encoder = nn.LSTM(2 * cfg.sent_hidden, cfg.doc_hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.2)
        self.role_head = nn.Linear(2 * cfg.doc_hidden, cfg.num_roles)

    def encode_sentences(self, tokens):
        B, S, L = tokens.shape
        flat = tokens.view(B * S, L)
        emb = self.embed(flat)
        out, _ = self.sent_encoder(emb)
        word_mask = (flat != 0).unsqueeze(-1).float()
        pooled = (out * word_mask).sum(1) / word_mask.sum(1).clamp(min=1.0)
        return pooled.view(B, S, -1)

    def forward(self, tokens, sent_mask):
        sent_vecs = self.encode_sentences(tokens)
        sent_vecs = sent_vecs * sent_mask.unsqueeze(-1).float()
        ctx, _ = self.doc_encoder(sent_vecs)
        return self.role_head(self.dropout(ctx))


def train(cfg: TaggerConfig):
    torch.manual_seed(cfg.seed)
    docs = make_judgments(cfg, n_docs=32)
    loader = DataLoader(
        JudgmentDataset(docs),
        batch_size=cfg.batch_size,
        shuffle=True,
        collate_fn=lambda b: collate_judgments(b, cfg.max_sent_len, cfg.label_pad),
    )
    model = HierarchicalRoleTagger(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running, n_correct, n_total = 0.0, 0, 0
        for tokens, sent_mask, roles in loader:
            role_logits = model(tokens, sent_mask)
            loss = F.cross_entropy(role_logits.transpose(1, 2), roles, ignore_index=cfg.label_pad)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
            preds = role_logits.argmax(-1)
            n_correct += (preds[sent_mask] == roles[sent_mask]).sum().item()
            n_total += sent_mask.sum().item()
        print(f"epoch {epoch} loss {running / len(loader):.4f} sent-acc {n_correct / n_total:.3f}")
    return model


if __name__ == "__main__":
    train(TaggerConfig())
