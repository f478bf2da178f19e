"""Holistic essay scorer: a small BERT regressor trained on prompt-normalised scores.

Essays for prompt 4 ("Should schools adopt a four-day week?") are scored 1-6 by two
raters; we average the raters, rescale to [0, 1] and fit a regression head.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

SCORE_MIN, SCORE_MAX = 1, 6
MAX_POSITIONS = 128

WORDS = ("school students week teachers time learning four day days schedule "
         "because however therefore families sports homework rest believe "
         "argue evidence studies show that would could should more less "
         "energy focus attendance budget money bus friday monday the a of "
         "and to in is are it this my opinion".split())


def write_vocab(folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS)) + [".", ","]) + "\n")
    return path


def fake_essay(n_sentences):
    sentences = []
    for _ in range(n_sentences):
        k = random.randint(8, 18)
        sentences.append(" ".join(random.choice(WORDS) for _ in range(k)) + " .")
    return " ".join(sentences)


def build_corpus(n_essays=24):
    essays, rater_a, rater_b = [], [], []
    for _ in range(n_essays):
        length = random.randint(4, 22)
        essays.append(fake_essay(length))
        base = min(SCORE_MAX, max(SCORE_MIN, 1 + length // 4))
        rater_a.append(base)
        rater_b.append(min(SCORE_MAX, max(SCORE_MIN, base + random.choice([-1, 0, 1]))))
    return essays, rater_a, rater_b


class HolisticScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, token_ids, attn):
        out = self.encoder(input_ids=token_ids, attention_mask=attn)
        pooled = out.last_hidden_state[:, 0]
        return torch.sigmoid(self.head(self.dropout(pooled))).squeeze(-1)


def encode_essays(tokenizer, essays):
    enc = tokenizer(essays, padding=True, truncation=True,
                    max_length=MAX_POSITIONS, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def normalise(scores):
    scores = torch.tensor(scores, dtype=torch.float)
    return (scores - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)


def main():
    tmp = tempfile.mkdtemp(prefix="aes_")
    tokenizer = BertTokenizer(write_vocab(tmp))

    essays, rater_a, rater_b = build_corpus()
    avg = [(a + b) / 2 for a, b in zip(rater_a, rater_b)]
    targets = normalise(avg)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
    )
    model = HolisticScorer(config)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.MSELoss()

    batch_size = 8
    for epoch in range(2):
        order = list(range(len(essays)))
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            token_ids, attn = encode_essays(tokenizer, [essays[i] for i in idx])
            preds = model(token_ids, attn)
            loss = loss_fn(preds, targets[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: mse {total / len(essays):.4f}")

    model.eval()
    with torch.no_grad():
        token_ids, attn = encode_essays(tokenizer, essays[:4])
        raw = model(token_ids, attn) * (SCORE_MAX - SCORE_MIN) + SCORE_MIN
    for essay, score in zip(essays[:4], raw.tolist()):
        print(f"{score:.2f}  {essay[:50]}...")


if __name__ == "__main__":
    main()
