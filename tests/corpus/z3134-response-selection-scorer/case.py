import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
rng = random.Random(0)

HPARAMS = {
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "num_candidates": 5,
    "ctx_turns": 3,
    "max_ctx_len": 56,
    "max_resp_len": 20,
    "batch_size": 4,
}

WORDS = ("hi hello there can you help me with my order it has not arrived yet sorry to hear that "
         "what is your order number sure the number is one two three let me check it shipped "
         "yesterday thank you great anything else no that is all have a nice day bye").split()


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[SPK1]", "[SPK2]"] + sorted(set(WORDS))
    with open(path, "w") as f:
        f.write("\n".join(toks) + "\n")
    return path


def make_episode(n_turns):
    turns = [" ".join(rng.choices(WORDS, k=rng.randint(4, 10))) for _ in range(n_turns)]
    return turns[:-1], turns[-1]


def build_batch(tok, episodes, pool, hp):
    contexts, candidates, targets = [], [], []
    for history, gold in episodes:
        recent = history[-hp["ctx_turns"]:]
        spk = ["[SPK1]" if (len(history) - len(recent) + i) % 2 == 0 else "[SPK2]" for i in range(len(recent))]
        contexts.append(" ".join(f"{s} {u}" for s, u in zip(spk, recent)))
        negs = rng.sample([r for r in pool if r != gold], hp["num_candidates"] - 1)
        cands = negs + [gold]
        rng.shuffle(cands)
        candidates.extend(cands)
        targets.append(cands.index(gold))
    ctx_enc = tok(contexts, padding=True, truncation=True, max_length=hp["max_ctx_len"], return_tensors="pt")
    cand_enc = tok(candidates, padding=True, truncation=True, max_length=hp["max_resp_len"], return_tensors="pt")
    return ctx_enc, cand_enc, torch.tensor(targets)


class CrossFeatureSelector(nn.Module):
    def __init__(self, vocab_size, hp):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hp["hidden"], num_hidden_layers=hp["layers"],
                         num_attention_heads=hp["heads"], intermediate_size=hp["ffn"],
                         max_position_embeddings=64)
        self.ctx_encoder = BertModel(cfg)
        self.resp_encoder = BertModel(cfg)
        d = cfg.hidden_size
        self.scorer = nn.Sequential(nn.Linear(3 * d, 64), nn.Tanh(), nn.Linear(64, 1))
        self.k = hp["num_candidates"]

    @staticmethod
    def mean_pool(out, mask):
        m = mask.unsqueeze(-1).float()
        return (out.last_hidden_state * m).sum(1) / m.sum(1).clamp(min=1.0)

    def forward(self, ctx_enc, cand_enc):
        c = self.mean_pool(self.ctx_encoder(**ctx_enc), ctx_enc["attention_mask"])
        r = self.mean_pool(self.resp_encoder(**cand_enc), cand_enc["attention_mask"])
        c = c.repeat_interleave(self.k, dim=0)
        feats = torch.cat([c, r, c * r, (c - r).abs()], dim=-1)
        return self.scorer(feats).view(-1, self.k)


def recall_at_1(scores, targets):
    return (scores.argmax(-1) == targets).float().mean().item()


def main():
    workdir = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(__file__)))
    try:
        tok = BertTokenizer(write_vocab(workdir))
        episodes = [make_episode(rng.randint(3, 8)) for _ in range(32)]
        pool = [gold for _, gold in episodes]
        model = CrossFeatureSelector(tok.vocab_size, HPARAMS)
        opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
        bs = HPARAMS["batch_size"]
        for epoch in range(2):
            losses, r1 = [], []
            for start in range(0, len(episodes), bs):
                ctx_enc, cand_enc, targets = build_batch(tok, episodes[start:start + bs], pool, HPARAMS)
                scores = model(ctx_enc, cand_enc)
                loss = F.cross_entropy(scores, targets)
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
                r1.append(recall_at_1(scores.detach(), targets))
            print(f"epoch {epoch}: loss={sum(losses) / len(losses):.4f} R@1={sum(r1) / len(r1):.3f}")
    finally:
        for name in os.listdir(workdir):
            os.remove(os.path.join(workdir, name))
        os.rmdir(workdir)


if __name__ == "__main__":
    main()
