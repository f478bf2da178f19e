"""Multi-trait essay scorer (ideas / organization / conventions) with a BiLSTM encoder.

Each trait has its own score range depending on the prompt, so targets are
min-max normalised per prompt before training and mapped back for QWK.
"""
import random
import re
from collections import Counter

import torch
import torch.nn as nn
from sklearn.metrics import cohen_kappa_score

random.seed(7)
torch.manual_seed(7)

TRAITS = ["ideas", "organization", "conventions"]
# prompt_id -> (min, max) for every trait of that prompt
TRAIT_RANGES = {1: (1, 6), 2: (0, 4), 3: (0, 3)}

SETTINGS = {
    "emb_dim": 48,
    "lstm_hidden": 64,
    "bidirectional": True,
    "dropout": 0.2,
    "max_words": 120,
    "batch_size": 8,
    "epochs": 2,
}

FILLER = ("the student argues that school should start later because teenagers need more sleep "
          "and research shows that tired students learn less in the morning however some parents "
          "worry about sports practice and part time jobs in conclusion the benefits outweigh the costs").split()


def fake_essay(prompt_id, quality):
    n = 40 + int(quality * 60) + random.randint(0, 20)
    words = [random.choice(FILLER) for _ in range(n)]
    if quality > 0.6:
        words += ["furthermore", "consequently", "evidence", "suggests"]
    return f"Prompt {prompt_id}. " + " ".join(words) + "."


def make_corpus(n_essays):
    rows = []
    for _ in range(n_essays):
        pid = random.choice(list(TRAIT_RANGES))
        lo, hi = TRAIT_RANGES[pid]
        q = random.random()
        scores = [min(hi, max(lo, round(lo + q * (hi - lo) + random.choice([-1, 0, 0, 1])))) for _ in TRAITS]
        rows.append({"prompt_id": pid, "text": fake_essay(pid, q), "scores": scores})
    return rows


def words_of(text):
    return re.findall(r"[a-z']+", text.lower())


def build_vocab(rows, min_count=1):
    counts = Counter(w for r in rows for w in words_of(r["text"]))
    itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def encode(rows, vocab, max_words):
    seqs, lens, targets, prompts = [], [], [], []
    for r in rows:
        ids = [vocab.get(w, 1) for w in words_of(r["text"])][:max_words]
        lens.append(len(ids))
        seqs.append(ids + [0] * (max_words - len(ids)))
        lo, hi = TRAIT_RANGES[r["prompt_id"]]
        targets.append([(s - lo) / (hi - lo) for s in r["scores"]])
        prompts.append(r["prompt_id"])
    return (torch.tensor(seqs), torch.tensor(lens), torch.tensor(targets, dtype=torch.float),
            torch.tensor(prompts))


class TraitScorer(nn.Module):
    def __init__(self, vocab_size, cfg, n_traits):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg["emb_dim"], padding_idx=0)
        self.encoder = nn.LSTM(cfg["emb_dim"], cfg["lstm_hidden"], batch_first=True,
                               bidirectional=cfg["bidirectional"])
        self.drop = nn.Dropout(cfg["dropout"])
        enc_dim = cfg["lstm_hidden"] * (2 if cfg["bidirectional"] else 1)
        self.trait_heads = nn.ModuleList(nn.Linear(enc_dim, 1) for _ in range(n_traits))

    def forward(self, tokens, lengths):
        states, _ = self.encoder(self.embed(tokens))
        keep = (torch.arange(tokens.size(1))[None, :] < lengths[:, None]).unsqueeze(-1).float()
        pooled = (states * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        pooled = self.drop(pooled)
        return torch.sigmoid(torch.cat([head(pooled) for head in self.trait_heads], dim=-1))


def denormalise(preds, prompts):
    out = []
    for p, pid in zip(preds.tolist(), prompts.tolist()):
        lo, hi = TRAIT_RANGES[pid]
        out.append([round(lo + v * (hi - lo)) for v in p])
    return torch.tensor(out)


def main():
    train_rows, dev_rows = make_corpus(64), make_corpus(24)
    vocab = build_vocab(train_rows)
    tr_tok, tr_len, tr_y, _ = encode(train_rows, vocab, SETTINGS["max_words"])
    dv_tok, dv_len, dv_y, dv_prompt = encode(dev_rows, vocab, SETTINGS["max_words"])

    model = TraitScorer(len(vocab), SETTINGS, len(TRAITS))
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    mse = nn.MSELoss()

    bs = SETTINGS["batch_size"]
    for epoch in range(SETTINGS["epochs"]):
        model.train()
        order = torch.randperm(len(train_rows))
        total = 0.0
        for start in range(0, len(order), bs):
            idx = order[start:start + bs]
            preds = model(tr_tok[idx], tr_len[idx])
            loss = mse(preds, tr_y[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: train mse {total / len(order):.4f}")

    model.eval()
    with torch.no_grad():
        dev_pred = denormalise(model(dv_tok, dv_len), dv_prompt)
    gold = torch.tensor([r["scores"] for r in dev_rows])
    for t, trait in enumerate(TRAITS):
        qwk = cohen_kappa_score(gold[:, t].numpy(), dev_pred[:, t].numpy(), weights="quadratic")
        print(f"{trait:>13s} QWK = {qwk:.3f}")


if __name__ == "__main__":
    main()
