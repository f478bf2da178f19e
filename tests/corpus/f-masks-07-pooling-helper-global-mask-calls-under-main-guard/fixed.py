"""Bag-of-embeddings features for a tiny intent classifier: masked mean of word vectors per utterance."""
import torch
from torch import nn

TRAIN = ["book a table for two tonight", "what is the weather in paris", "play some jazz",
         "set an alarm for seven", "cancel my dinner reservation at the italian place downtown"]
TEST = ["will it rain tomorrow", "play the new album by the band we saw last summer in the park"]

vocab = {"<pad>": 0}
for text in TRAIN + TEST:
    for w in text.split():
        vocab.setdefault(w, len(vocab))


def encode(texts):
    rows = [[vocab[w] for w in t.split()] for t in texts]
    width = max(map(len, rows))
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    return {"ids": ids, "pad_mask": (ids != 0).long()}


torch.manual_seed(0)
embedder = nn.Embedding(len(vocab), 16, padding_idx=0)
enc_train = encode(TRAIN)
pad_mask = enc_train["pad_mask"]


def pooled_features(ids, pad_mask):
    h = embedder(ids)
    m = pad_mask.unsqueeze(-1).float()
    return (h * m).sum(1) / m.sum(1).clamp(min=1)


if __name__ == "__main__":
    train_x = pooled_features(enc_train["ids"], enc_train["pad_mask"])
    enc_test = encode(TEST)
    test_x = pooled_features(ids=enc_test["ids"], pad_mask=enc_test["pad_mask"])
    sims = nn.functional.cosine_similarity(test_x.unsqueeze(1), train_x.unsqueeze(0), dim=-1)
    print("nearest train utterance per test utterance:", sims.argmax(1).tolist())
