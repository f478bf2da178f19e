"""SAKT-style next-answer model for a vocabulary drill app.

Each learner has a history of (word_card, was_correct) attempts. We predict whether the
learner answers the next card correctly from their earlier attempts.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

N_CARDS = 120          # flashcard ids 1..N_CARDS, 0 is padding
HISTORY_LEN = 40       # histories are padded / cut to this many attempts
EMB = 32
HEADS = 4
PAD = 0


def fake_learner_logs(n_learners=64):
    logs = []
    for _ in range(n_learners):
        n_attempts = random.randint(5, 60)
        skill = random.random()
        attempts = []
        for _ in range(n_attempts):
            card = random.randint(1, N_CARDS)
            p = 0.3 + 0.6 * skill * (1 - card / (2 * N_CARDS))
            attempts.append((card, int(random.random() < p)))
        logs.append(attempts)
    return logs


def collate_histories(batch):
    cards = torch.full((len(batch), HISTORY_LEN), PAD, dtype=torch.long)
    answers = torch.zeros((len(batch), HISTORY_LEN), dtype=torch.long)
    for row, attempts in enumerate(batch):
        attempts = attempts[-HISTORY_LEN:]
        cards[row, : len(attempts)] = torch.tensor([c for c, _ in attempts])
        answers[row, : len(attempts)] = torch.tensor([a for _, a in attempts])
    padding = cards.eq(PAD)
    return cards, answers, padding


class DrillSAKT(nn.Module):
    def __init__(self, n_cards, emb, heads, max_len):
        super().__init__()
        self.n_cards = n_cards
        self.attempt_emb = nn.Embedding(2 * n_cards + 1, emb, padding_idx=0)
        self.card_emb = nn.Embedding(n_cards + 1, emb, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, emb)
        self.attn = nn.MultiheadAttention(emb, heads, dropout=0.1, batch_first=True)
        self.norm1 = nn.LayerNorm(emb)
        self.ffn = nn.Sequential(nn.Linear(emb, emb), nn.ReLU(), nn.Linear(emb, emb))
        self.norm2 = nn.LayerNorm(emb)
        self.head = nn.Linear(emb, 1)

    def forward(self, cards, answers, padding):
        # past attempts are keys/values, the card asked next is the query
        past_cards, past_answers = cards[:, :-1], answers[:, :-1]
        next_cards = cards[:, 1:]
        attempt_ids = torch.where(past_cards.eq(PAD), torch.zeros_like(past_cards),
                                  past_cards + self.n_cards * past_answers)
        steps = past_cards.size(1)
        pos = torch.arange(steps, device=cards.device).unsqueeze(0)
        kv = self.attempt_emb(attempt_ids) + self.pos_emb(pos)
        q = self.card_emb(next_cards)
        causal = torch.triu(torch.ones(steps, steps, dtype=torch.bool, device=cards.device), 1)
        ctx, _ = self.attn(q, kv, kv, attn_mask=causal, key_padding_mask=padding)
        h = self.norm1(ctx + q)
        h = self.norm2(h + self.ffn(h))
        return self.head(h).squeeze(-1)


def run_epoch(model, logs, optim, batch_size=16):
    model.train()
    random.shuffle(logs)
    total, seen = 0.0, 0
    for start in range(0, len(logs), batch_size):
        cards, answers, padding = collate_histories(logs[start:start + batch_size])
        logits = model(cards, answers, padding)
        target = answers[:, 1:].float()
        keep = ~padding[:, 1:]
        loss = F.binary_cross_entropy_with_logits(logits[keep], target[keep])
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item() * keep.sum().item()
        seen += keep.sum().item()
    return total / max(seen, 1)


@torch.no_grad()
def accuracy(model, logs):
    model.eval()
    cards, answers, padding = collate_histories(logs)
    probs = torch.sigmoid(model(cards, answers, padding))
    keep = ~padding[:, 1:]
    hits = (probs[keep] > 0.5).long() == answers[:, 1:][keep]
    return hits.float().mean().item()


def main():
    logs = fake_learner_logs()
    train_logs, dev_logs = logs[:48], logs[48:]
    model = DrillSAKT(N_CARDS, EMB, HEADS, HISTORY_LEN)
    optim = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(3):
        loss = run_epoch(model, train_logs, optim)
        print(f"epoch {epoch}: train bce {loss:.4f}  dev acc {accuracy(model, dev_logs):.3f}")


if __name__ == "__main__":
    main()
