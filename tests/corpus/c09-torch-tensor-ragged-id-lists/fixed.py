"""Encode product questions into an id matrix for a bag-of-words retrieval model."""
import torch
import torch.nn as nn

torch.manual_seed(0)
PAD_ID, UNK_ID = 0, 1


def build_vocab(corpus):
    words = sorted({w for line in corpus for w in line.lower().split()})
    return {w: i + 2 for i, w in enumerate(words)}


def encode_batch(sentences, vocab):
    batch_ids = []
    for sent in sentences:
        batch_ids.append([vocab.get(w, UNK_ID) for w in sent.lower().split()])
    return torch.tensor([ids + [PAD_ID] * (max(map(len, batch_ids)) - len(ids)) for ids in batch_ids])


def embed_questions(sentences, vocab, table):
    ids = encode_batch(sentences, vocab)
    mask = (ids != PAD_ID).unsqueeze(-1).float()
    return (table(ids) * mask).sum(1) / mask.sum(1)


questions = [
    "does this charger support fast charging",
    "is the case waterproof",
    "what is the battery capacity",
]
vocab = build_vocab(questions)
table = nn.Embedding(len(vocab) + 2, 16, padding_idx=PAD_ID)
with torch.no_grad():
    vecs = embed_questions(questions, vocab, table)
print("question vectors:", tuple(vecs.shape))
