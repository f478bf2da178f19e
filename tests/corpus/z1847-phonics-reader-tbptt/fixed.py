"""Knowledge tracing for an early-literacy reading app.

Children read words aloud; the speech scorer marks each word read correctly or not,
and every word carries a phonics skill tag (CVC, digraphs, blends, silent-e, ...).
Histories are long, so a DKT-style LSTM is trained with truncated backprop through
time: each batch of children is walked in CHUNK-sized windows and the recurrent
state is carried (detached) from one window to the next.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 5
NUM_WORDS = 250
NUM_SKILLS = 10
CHUNK = 25
HIDDEN = 48
BATCH_SIZE = 16
NUM_CHILDREN = 60
EPOCHS = 2

WORD_SKILL = [w % NUM_SKILLS for w in range(NUM_WORDS)]


def simulate_reading_logs(rng):
    words, read_ok, lengths = [], [], []
    max_len = 4 * CHUNK
    for _ in range(NUM_CHILDREN):
        fluency = [rng.uniform(0.2, 0.7) for _ in range(NUM_SKILLS)]
        n = rng.randint(2 * CHUNK, max_len)
        w_row, y_row = [], []
        for _ in range(n):
            w = rng.randrange(NUM_WORDS)
            s = WORD_SKILL[w]
            ok = rng.random() < fluency[s]
            fluency[s] = min(0.95, fluency[s] + 0.03)
            w_row.append(w)
            y_row.append(int(ok))
        lengths.append(n)
        words.append(w_row + [0] * (max_len - n))
        read_ok.append(y_row + [0] * (max_len - n))
    return torch.tensor(words), torch.tensor(read_ok), torch.tensor(lengths)


class PhonicsDKT(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_emb = nn.Embedding(NUM_WORDS, HIDDEN)
        self.skill_emb = nn.Embedding(NUM_SKILLS, HIDDEN)
        self.outcome_emb = nn.Embedding(2, HIDDEN)
        self.rnn = nn.LSTM(HIDDEN, HIDDEN, batch_first=True)
        self.skill_head = nn.Linear(HIDDEN, NUM_SKILLS)

    def init_state(self, batch_size):
        zeros = torch.zeros(1, batch_size, HIDDEN)
        return zeros, zeros.clone()

    def forward(self, words, outcomes, skills, state):
        x = self.word_emb(words) + self.skill_emb(skills) + self.outcome_emb(outcomes)
        out, state = self.rnn(x, state)
        return self.skill_head(out), state


def run_epoch(model, optimizer, words, read_ok, lengths, rng):
    skills = torch.tensor(WORD_SKILL)[words]
    order = list(range(words.size(0)))
    rng.shuffle(order)
    losses = []
    for start in range(0, len(order), BATCH_SIZE):
        idx = torch.tensor(order[start:start + BATCH_SIZE])
        w, y, s, n = words[idx], read_ok[idx], skills[idx], lengths[idx]
        valid = torch.arange(w.size(1)).unsqueeze(0) < n.unsqueeze(1)
        state = model.init_state(w.size(0))
        for t0 in range(0, w.size(1) - 1, CHUNK):
            t1 = min(t0 + CHUNK, w.size(1) - 1)
            skill_logits, state = model(w[:, t0:t1], y[:, t0:t1], s[:, t0:t1], state)
            next_skill = s[:, t0 + 1:t1 + 1]
            next_ok = y[:, t0 + 1:t1 + 1].float()
            keep = valid[:, t0 + 1:t1 + 1]
            if keep.sum() == 0:
                state = tuple(h.detach() for h in state)
                continue
            picked = skill_logits.gather(-1, next_skill.unsqueeze(-1)).squeeze(-1)
            loss = F.binary_cross_entropy_with_logits(picked[keep], next_ok[keep])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            state = tuple(h.detach() for h in state)
            losses.append(loss.item())
    return sum(losses) / len(losses)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    words, read_ok, lengths = simulate_reading_logs(rng)
    print(f"{words.size(0)} children, up to {words.size(1)} words each")
    model = PhonicsDKT()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(EPOCHS):
        model.train()
        avg = run_epoch(model, optimizer, words, read_ok, lengths, rng)
        print(f"epoch {epoch}: mean chunk loss {avg:.4f}")


if __name__ == "__main__":
    main()
