"""Cross-prompt LSTM grader with per-prompt quadratic weighted kappa.

Three writing prompts, each with its own rubric range. Scores are normalised to
[0, 1] for training and mapped back to each prompt's rubric for evaluation.
"""
import random
from collections import Counter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from sklearn.metrics import cohen_kappa_score

random.seed(3)
torch.manual_seed(3)

SCORE_RANGES = {0: (1, 6), 1: (1, 4), 2: (0, 3)}
TOPIC_WORDS = {
    0: "recycling plastic waste ocean city council bins".split(),
    1: "library books reading quiet study borrow shelves".split(),
    2: "volcano lava magma eruption crust plates ash".split(),
}
FILLER = "the a and because so i think it is very that this we they".split()


def synth_corpus(per_prompt=40):
    texts, prompts, scores = [], [], []
    for pid, words in TOPIC_WORDS.items():
        lo, hi = SCORE_RANGES[pid]
        for _ in range(per_prompt):
            score = random.randint(lo, hi)
            n_words = 10 + 8 * (score - lo) + random.randint(0, 6)
            toks = [random.choice(words if random.random() < 0.4 else FILLER)
                    for _ in range(n_words)]
            texts.append(toks)
            prompts.append(pid)
            scores.append(score)
    return texts, torch.tensor(prompts), torch.tensor(scores, dtype=torch.float)


def build_vocab(texts):
    counts = Counter(w for t in texts for w in t)
    itos = ["<pad>", "<unk>"] + sorted(counts)
    return {w: i for i, w in enumerate(itos)}


def numericalise(texts, vocab):
    seqs = [torch.tensor([vocab.get(w, 1) for w in t]) for t in texts]
    lengths = torch.tensor([len(s) for s in seqs])
    return pad_sequence(seqs, batch_first=True, padding_value=0), lengths


def normalise(scores, prompts):
    lo = torch.tensor([SCORE_RANGES[int(p)][0] for p in prompts], dtype=torch.float)
    hi = torch.tensor([SCORE_RANGES[int(p)][1] for p in prompts], dtype=torch.float)
    return (scores - lo) / (hi - lo)


class PromptAwareLSTM(nn.Module):
    def __init__(self, vocab_size, n_prompts, emb=24, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.prompt_embed = nn.Embedding(n_prompts, 8)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.out = nn.Linear(hidden + 8, 1)

    def forward(self, seqs, lengths, prompts):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embed(seqs), lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        feats = torch.cat([h[-1], self.prompt_embed(prompts)], dim=-1)
        return torch.sigmoid(self.out(feats)).squeeze(-1)


def to_rubric_scale(norm_preds, essay_prompts):
    rubric = torch.empty(len(norm_preds))
    for i in range(len(essay_prompts)):
        lo, hi = SCORE_RANGES[int(essay_prompts[i])]
        rubric[i] = torch.round(norm_preds[i] * (hi - lo) + lo)
    return rubric


def main():
    texts, prompt_ids, raw_scores = synth_corpus()
    vocab = build_vocab(texts)
    seqs, lengths = numericalise(texts, vocab)
    targets = normalise(raw_scores, prompt_ids)

    perm = torch.randperm(len(texts))
    n_val = len(texts) // 4
    val_idx, train_idx = perm[:n_val], perm[n_val:]

    model = PromptAwareLSTM(len(vocab), len(SCORE_RANGES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(8):
        model.train()
        shuffled = train_idx[torch.randperm(len(train_idx))]
        for b in shuffled.split(16):
            pred = model(seqs[b], lengths[b], prompt_ids[b])
            loss = loss_fn(pred, targets[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}  train mse {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        val_norm = model(seqs[val_idx], lengths[val_idx], prompt_ids[val_idx])
    val_prompts = prompt_ids[val_idx]
    val_rubric = to_rubric_scale(val_norm, val_prompts)
    val_gold = raw_scores[val_idx]

    for pid in SCORE_RANGES:
        sel = val_prompts == pid
        qwk = cohen_kappa_score(val_gold[sel].long().tolist(),
                                val_rubric[sel].long().tolist(),
                                weights="quadratic")
        print(f"prompt {pid}: n={int(sel.sum())}  QWK={qwk:.3f}")


if __name__ == "__main__":
    main()
