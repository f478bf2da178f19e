"""SAKT-style self-attentive knowledge tracing for a board-exam question bank.

Residents answer single-best-answer items tagged with an organ system
(cardio, renal, neuro, ...). Queries are the items being attempted; keys/values are
the previous (item, correct) interactions, so the model only looks at the past.
Histories are right-padded to the longest resident in the batch.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 21
NUM_ITEMS = 500
NUM_SYSTEMS = 12
MAX_LEN = 40
EMBED = 32
HEADS = 4
BATCH = 8
ITEM_PAD = 0  # item ids start at 1

ITEM_SYSTEM = torch.tensor([0] + [1 + (i % NUM_SYSTEMS) for i in range(NUM_ITEMS)])


def simulate_qbank_sessions(n_residents, rng):
    sessions = []
    for _ in range(n_residents):
        strength = [rng.uniform(0.3, 0.85) for _ in range(NUM_SYSTEMS + 1)]
        length = rng.randint(6, MAX_LEN)
        items, correct = [], []
        for _ in range(length):
            item = rng.randint(1, NUM_ITEMS)
            system = int(ITEM_SYSTEM[item])
            items.append(item)
            correct.append(int(rng.random() < strength[system]))
        sessions.append((items, correct))
    return sessions


def pad_batch(sessions):
    longest = max(len(items) for items, _ in sessions)
    item_ids = torch.full((len(sessions), longest), ITEM_PAD, dtype=torch.long)
    answers = torch.zeros((len(sessions), longest), dtype=torch.long)
    for row, (items, correct) in enumerate(sessions):
        item_ids[row, : len(items)] = torch.tensor(items)
        answers[row, : len(correct)] = torch.tensor(correct)
    is_pad = item_ids == ITEM_PAD
    return item_ids, answers, is_pad


class QBankSAKT(nn.Module):
    def __init__(self):
        super().__init__()
        self.item_emb = nn.Embedding(NUM_ITEMS + 1, EMBED, padding_idx=ITEM_PAD)
        self.system_emb = nn.Embedding(NUM_SYSTEMS + 1, EMBED, padding_idx=0)
        self.response_emb = nn.Embedding(2, EMBED)
        self.pos_emb = nn.Embedding(MAX_LEN, EMBED)
        self.attn = nn.MultiheadAttention(EMBED, HEADS, dropout=0.1, batch_first=True)
        self.norm = nn.LayerNorm(EMBED)
        self.ffn = nn.Sequential(nn.Linear(EMBED, 2 * EMBED), nn.ReLU(), nn.Linear(2 * EMBED, EMBED))
        self.head = nn.Linear(EMBED, 1)

    def forward(self, item_ids, answers, is_pad):
        past_items, past_answers = item_ids[:, :-1], answers[:, :-1]
        next_items = item_ids[:, 1:]
        steps = past_items.size(1)
        positions = torch.arange(steps, device=item_ids.device)

        keys = (self.item_emb(past_items) + self.system_emb(ITEM_SYSTEM[past_items])
                + self.response_emb(past_answers) + self.pos_emb(positions))
        queries = self.item_emb(next_items) + self.system_emb(ITEM_SYSTEM[next_items])

        future = torch.triu(torch.ones(steps, steps, dtype=torch.bool, device=item_ids.device), diagonal=1)
        attended, _ = self.attn(queries, keys, keys, attn_mask=future, key_padding_mask=is_pad)
        hidden = self.norm(attended + queries)
        hidden = self.norm(hidden + self.ffn(hidden))
        return self.head(hidden).squeeze(-1)


def step_loss(model, item_ids, answers, is_pad):
    logits = model(item_ids, answers, is_pad)
    targets = answers[:, 1:].float()
    keep = ~is_pad[:, 1:]
    return F.binary_cross_entropy_with_logits(logits[keep], targets[keep])


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    sessions = simulate_qbank_sessions(96, rng)
    train, val = sessions[:80], sessions[80:]

    model = QBankSAKT()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        rng.shuffle(train)
        model.train()
        epoch_loss = []
        for start in range(0, len(train), BATCH):
            item_ids, answers, is_pad = pad_batch(train[start:start + BATCH])
            loss = step_loss(model, item_ids, answers, is_pad)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss.append(loss.item())

        model.eval()
        with torch.no_grad():
            val_loss = step_loss(model, *pad_batch(val))
        print(f"epoch {epoch}: train {sum(epoch_loss) / len(epoch_loss):.4f}  val {val_loss.item():.4f}")


if __name__ == "__main__":
    main()
