"""Few-shot intent detection for a banking assistant with a prototypical network on a small BERT.

The utterance pool is tokenized once up front; every episode then cuts the padded
token matrix down to the longest utterance it actually contains to keep steps cheap.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class EpisodeConfig:
    n_way: int = 3
    k_shot: int = 2
    n_query: int = 2
    episodes: int = 4
    hidden: int = 32
    lr: float = 5e-4
    seed: int = 13


INTENTS = {
    "card_lost": ["i lost my card", "my debit card is missing", "cannot find my card anywhere since yesterday",
                  "card lost please block it"],
    "transfer_fee": ["how much is a transfer", "is there a fee for sending money abroad to my family in another country",
                     "transfer charges", "what do wire transfers cost"],
    "balance": ["what is my balance", "show balance", "how much money do i have left in my checking account",
                "current balance please", "balance on savings"],
    "pin_change": ["change my pin", "i want a new pin code", "reset pin", "how do i update the pin on my card"],
}


def write_vocab(folder):
    words = sorted({w for utts in INTENTS.values() for u in utts for w in u.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def build_pool(tokenizer):
    texts, labels, names = [], [], sorted(INTENTS)
    for i, name in enumerate(names):
        for u in INTENTS[name]:
            texts.append(u)
            labels.append(i)
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"], torch.tensor(labels)


def sample_episode(labels, cfg, rng):
    classes = rng.sample(sorted(set(labels.tolist())), cfg.n_way)
    support, query = [], []
    for c in classes:
        rows = [i for i, y in enumerate(labels.tolist()) if y == c]
        picked = rng.sample(rows, cfg.k_shot + cfg.n_query)
        support += picked[: cfg.k_shot]
        query += picked[cfg.k_shot:]
    return classes, torch.tensor(support), torch.tensor(query)


def gather_tokens(token_ids, token_mask, rows):
    ids = token_ids[rows]
    mask = token_mask[rows]
    longest = int(mask.sum(dim=1).max())
    ids = ids[:, :longest]
    return ids, mask


def embed(encoder, ids, mask):
    out = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
    weights = mask.unsqueeze(-1).float()
    return (out * weights).sum(1) / weights.sum(1).clamp_min(1.0)


def proto_loss(encoder, token_ids, token_mask, classes, support, query, labels, cfg):
    s_ids, s_mask = gather_tokens(token_ids, token_mask, support)
    q_ids, q_mask = gather_tokens(token_ids, token_mask, query)
    s_emb = embed(encoder, s_ids, s_mask)
    q_emb = embed(encoder, q_ids, q_mask)
    prototypes = s_emb.view(cfg.n_way, cfg.k_shot, -1).mean(1)
    dists = torch.cdist(q_emb, prototypes) ** 2
    remap = {c: i for i, c in enumerate(classes)}
    q_target = torch.tensor([remap[int(y)] for y in labels[query]])
    loss = F.cross_entropy(-dists, q_target)
    acc = (dists.argmin(1) == q_target).float().mean()
    return loss, acc


def main():
    cfg = EpisodeConfig()
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))
        token_ids, token_mask, labels = build_pool(tokenizer)
        bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        encoder = BertModel(bert_cfg)
        opt = torch.optim.AdamW(encoder.parameters(), lr=cfg.lr)
        print(f"pool: {token_ids.shape[0]} utterances padded to {token_ids.shape[1]} tokens")
        for ep in range(cfg.episodes):
            classes, support, query = sample_episode(labels, cfg, rng)
            loss, acc = proto_loss(encoder, token_ids, token_mask, classes, support, query, labels, cfg)
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"episode {ep}: loss={loss.item():.3f} acc={acc.item():.2f}")


if __name__ == "__main__":
    main()
