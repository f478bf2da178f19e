"""Cross-prompt argumentative essay scorer.

An LSTM reads the essay, a learned prompt vector tells the grader which
writing prompt the essay answers, and a few surface features (length,
sentence count, mean word length) are appended before the regression head.
Scores are normalised to [0, 1] with each prompt's own score range.
"""
import random

import torch
import torch.nn as nn

torch.manual_seed(7)
random.seed(7)

SCORE_RANGE = {0: (1, 6), 1: (2, 12), 2: (0, 4)}
PROMPT_TEXT = {
    0: "Should students be required to wear school uniforms?",
    1: "Do the benefits of computers outweigh their costs to society?",
    2: "Should cell phones be allowed in class?",
}

ESSAYS = [
    (0, "uniforms make everyone equal and students focus on learning not clothes", 5),
    (0, "i dont like uniforms they are boring", 2),
    (0, "uniforms save money for families and reduce bullying about brands in school", 6),
    (1, "computers help people learn and talk to friends far away", 7),
    (1, "computers are bad", 2),
    (1, "although computers can isolate people the access to information and jobs they provide is worth it", 11),
    (2, "phones distract students so they should stay in lockers", 3),
    (2, "phones are fun", 1),
    (2, "phones can be useful for research but teachers should decide when they are used in class", 4),
]


def build_vocab(essays):
    vocab = {"<pad>": 0, "<unk>": 1}
    for _, text, _ in essays:
        for w in text.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def surface_features(text):
    words = text.split()
    n_sents = max(1, text.count(".") + 1)
    mean_wlen = sum(len(w) for w in words) / len(words)
    return [len(words) / 50.0, n_sents / 5.0, mean_wlen / 10.0]


def prepare(essays, vocab, max_words=24):
    word_rows, meta_rows, targets = [], [], []
    for prompt, text, score in essays:
        ids = [vocab.get(w, 1) for w in text.split()][:max_words]
        word_rows.append(ids + [0] * (max_words - len(ids)))
        meta_rows.append([prompt] + surface_features(text))
        lo, hi = SCORE_RANGE[prompt]
        targets.append((score - lo) / (hi - lo))
    return torch.tensor(word_rows), torch.tensor(meta_rows), torch.tensor(targets)


class CrossPromptScorer(nn.Module):
    def __init__(self, vocab_size, n_prompts, n_surface, emb_dim=32, hid=48, prompt_dim=8):
        super().__init__()
        self.word_emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.prompt_emb = nn.Embedding(n_prompts, prompt_dim)
        self.lstm = nn.LSTM(emb_dim, hid, batch_first=True)
        self.head = nn.Sequential(
            nn.Linear(hid + prompt_dim + n_surface, 32),
            nn.ReLU(),
            nn.Linear(32, 1),
        )

    def forward(self, words, meta):
        prompt_col, surface = meta[:, 0], meta[:, 1:]
        mask = (words != 0).unsqueeze(-1).float()
        states, _ = self.lstm(self.word_emb(words))
        essay_vec = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        prompt_vec = self.prompt_emb(prompt_col)
        feats = torch.cat([essay_vec, prompt_vec, surface], dim=-1)
        return torch.sigmoid(self.head(feats)).squeeze(-1)


def to_raw_score(norm, prompt):
    lo, hi = SCORE_RANGE[prompt]
    return round(lo + norm * (hi - lo))


def main():
    vocab = build_vocab(ESSAYS)
    words, meta, targets = prepare(ESSAYS, vocab)
    print(f"essays {tuple(words.shape)}, meta {tuple(meta.shape)}, prompts {len(SCORE_RANGE)}")

    scorer = CrossPromptScorer(len(vocab), n_prompts=len(SCORE_RANGE), n_surface=meta.shape[1] - 1)
    opt = torch.optim.Adam(scorer.parameters(), lr=3e-3)
    mse = nn.MSELoss()

    order = list(range(len(ESSAYS)))
    for epoch in range(20):
        random.shuffle(order)
        epoch_loss = 0.0
        for start in range(0, len(order), 3):
            idx = torch.tensor(order[start:start + 3])
            pred = scorer(words[idx], meta[idx])
            loss = mse(pred, targets[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  mse {epoch_loss:.4f}")

    scorer.eval()
    with torch.no_grad():
        norm = scorer(words, meta)
    for (prompt, text, gold), p in zip(ESSAYS, norm.tolist()):
        print(f"prompt {prompt} gold {gold:2d} pred {to_raw_score(p, prompt):2d} | {text[:40]}")


if __name__ == "__main__":
    main()
