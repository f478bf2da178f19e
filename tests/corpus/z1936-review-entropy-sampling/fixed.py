"""Entropy-based active learning for product-review sentiment with a tiny BERT encoder.

Start from a handful of labeled reviews, train, score the unlabeled pool by
predictive entropy, move the most uncertain reviews into the labeled set
(oracle = held-back gold labels), repeat.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)

WORDS = ["great", "awful", "battery", "screen", "cheap", "broke", "love", "hate",
         "fast", "slow", "return", "refund", "works", "fine", "excellent", "poor",
         "shipping", "late", "quality", "recommend", "never", "again", "perfect", "meh"]
POS = {"great", "love", "fast", "works", "excellent", "perfect", "recommend", "fine"}
NEG = {"awful", "broke", "hate", "slow", "refund", "poor", "late", "never"}
SENTIMENTS = ["negative", "neutral", "positive"]


def make_reviews(n):
    reviews, gold = [], []
    for _ in range(n):
        toks = random.choices(WORDS, k=random.randint(4, 12))
        score = sum(t in POS for t in toks) - sum(t in NEG for t in toks)
        reviews.append(" ".join(toks))
        gold.append(0 if score < 0 else (2 if score > 0 else 1))
    return reviews, gold


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(vocab_path)


class ReviewClassifier(nn.Module):
    def __init__(self, enc_cfg, n_sentiments):
        super().__init__()
        self.encoder = BertModel(enc_cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(2 * enc_cfg.hidden_size, n_sentiments)

    def forward(self, tok_ids, tok_mask):
        states = self.encoder(input_ids=tok_ids, attention_mask=tok_mask).last_hidden_state
        cls_vec = states[:, 0]
        m = tok_mask.unsqueeze(-1).float()
        mean_vec = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
        review_repr = torch.cat([cls_vec, mean_vec], dim=-1)
        return self.head(self.dropout(review_repr))


def encode(tokenizer, texts):
    batch = tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    return batch["input_ids"], batch["attention_mask"]


def train_round(model, tokenizer, reviews, gold, labeled_idx, epochs=3, bs=8):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for _ in range(epochs):
        order = random.sample(labeled_idx, len(labeled_idx))
        for s in range(0, len(order), bs):
            chunk = order[s:s + bs]
            ids, mask = encode(tokenizer, [reviews[i] for i in chunk])
            target = torch.tensor([gold[i] for i in chunk])
            loss = F.cross_entropy(model(ids, mask), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


@torch.no_grad()
def pool_entropy(model, tokenizer, reviews, pool_idx, bs=16):
    model.eval()
    scores = []
    for s in range(0, len(pool_idx), bs):
        chunk = pool_idx[s:s + bs]
        ids, mask = encode(tokenizer, [reviews[i] for i in chunk])
        probs = model(ids, mask).softmax(-1)
        scores.append(-(probs * probs.clamp_min(1e-9).log()).sum(-1))
    return torch.cat(scores)


def main():
    workdir = tempfile.mkdtemp(prefix="al_reviews_")
    tokenizer = build_tokenizer(workdir)
    reviews, gold = make_reviews(120)

    enc_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = ReviewClassifier(enc_cfg, len(SENTIMENTS))

    all_idx = list(range(len(reviews)))
    random.shuffle(all_idx)
    labeled_idx, pool_idx = all_idx[:16], all_idx[16:]
    query_size = 8

    for rnd in range(4):
        loss = train_round(model, tokenizer, reviews, gold, labeled_idx)
        ent = pool_entropy(model, tokenizer, reviews, pool_idx)
        picked = ent.topk(query_size).indices.tolist()
        chosen = [pool_idx[p] for p in picked]
        labeled_idx += chosen
        pool_idx = [i for i in pool_idx if i not in set(chosen)]
        print(f"round {rnd}: loss={loss:.3f} mean_entropy={ent.mean():.3f} "
              f"labeled={len(labeled_idx)} pool={len(pool_idx)}")

    print("final labeled set size:", len(labeled_idx))


if __name__ == "__main__":
    main()
