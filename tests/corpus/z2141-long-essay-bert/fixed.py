"""Holistic scoring of persuasive essays with a small BERT regressor.

Scores live on different scales per prompt (ASAP style), so the model predicts a
value in [0, 1] that is rescaled with the prompt's range before computing QWK.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from sklearn.metrics import cohen_kappa_score
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

PROMPT_SCALES = {"P1": (2, 12), "P2": (1, 6), "P7": (0, 30)}
MAX_SEQ_LEN = 256
BATCH = 4

LEXICON = ("technology computers help people learn faster but they also distract students from "
           "reading books and talking with friends i believe that libraries should keep offensive "
           "material because censorship limits ideas and every reader can choose what to read "
           "in my opinion the author shows that patience matters when facing obstacles").split()
STOP = ["the", "a", "and", "of", "to", "is", "it", "that", ".", ","]


def write_vocab(folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(LEXICON) | set(STOP) | {"p1", "p2", "p7"})
    path = os.path.join(folder, "essay_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def synth_essay(prompt, quality):
    n_sent = 8 + int(quality * 22)
    sents = []
    for _ in range(n_sent):
        body = " ".join(random.choice(LEXICON + STOP) for _ in range(random.randint(8, 16)))
        sents.append(body + " .")
    return prompt.lower() + " " + " ".join(sents)


def build_split(n):
    essays = []
    for _ in range(n):
        prompt = random.choice(sorted(PROMPT_SCALES))
        lo, hi = PROMPT_SCALES[prompt]
        q = random.random()
        raw = int(round(lo + q * (hi - lo)))
        essays.append({"prompt": prompt, "essay": synth_essay(prompt, q), "score": raw})
    return essays


class EssayRegressor(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.out = nn.Sequential(nn.Dropout(0.1), nn.Linear(config.hidden_size, 1))

    def forward(self, enc):
        hidden = self.bert(**enc).last_hidden_state[:, 0]
        return torch.sigmoid(self.out(hidden)).squeeze(-1)


def normalise(score, prompt):
    lo, hi = PROMPT_SCALES[prompt]
    return (score - lo) / (hi - lo)


def to_raw(value, prompt):
    lo, hi = PROMPT_SCALES[prompt]
    return int(round(lo + value * (hi - lo)))


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def main():
    tmp = tempfile.mkdtemp(prefix="aes_")
    tokenizer = BertTokenizer(write_vocab(tmp))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=MAX_SEQ_LEN)
    model = EssayRegressor(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.MSELoss()

    train, dev = build_split(24), build_split(8)
    lengths = [len(tokenizer.tokenize(e["essay"])) for e in train]
    print(f"train essays: mean {sum(lengths) / len(lengths):.0f} word pieces, max {max(lengths)}")

    model.train()
    for step, chunk in enumerate(batches(train, BATCH)):
        enc = tokenizer([e["essay"] for e in chunk], padding=True, truncation=True,
                        max_length=MAX_SEQ_LEN, return_tensors="pt")
        target = torch.tensor([normalise(e["score"], e["prompt"]) for e in chunk])
        loss = loss_fn(model(enc), target)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step}: mse {loss.item():.4f}")

    model.eval()
    gold, pred = [], []
    with torch.no_grad():
        for chunk in batches(dev, BATCH):
            enc = tokenizer([e["essay"] for e in chunk], padding=True, truncation=True,
                            max_length=MAX_SEQ_LEN, return_tensors="pt")
            out = model(enc)
            for e, v in zip(chunk, out.tolist()):
                gold.append(e["score"])
                pred.append(to_raw(v, e["prompt"]))
    print("dev QWK:", round(cohen_kappa_score(gold, pred, weights="quadratic"), 3))


if __name__ == "__main__":
    main()
