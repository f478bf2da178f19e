"""Highlight the words of a lease that matter for a reviewer's question.

Each sentence's token embeddings (sentence-transformers) are scored against the
question, and token scores are max-pooled into a sentence x word table.
"""
import os
import tempfile
from typing import List, Protocol, Sequence

import torch
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

LEASE = [
    "the tenant may end this lease with two months notice",
    "subletting requires written consent of the landlord",
    "rent is due on the first day of each month",
    "the deposit is returned within thirty days after the lease ends",
]
QUESTION = "how much notice to end the lease"
PIECES = ["sub", "##let", "##ting", "dep", "##osit"]


class TokenSplitter(Protocol):
    def tokenize(self, text: str) -> List[str]: ...


def build_encoder() -> SentenceTransformer:
    words = sorted({w for s in LEASE + [QUESTION] for w in s.split()} - {"subletting", "deposit"})
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    body = models.Transformer(folder, max_seq_length=48)
    pool = models.Pooling(body.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[body, pool], device="cpu")


def word_owners(sentences: Sequence[str], splitter: TokenSplitter) -> List[List[int]]:
    """For each sentence, the word number owning each token; -1 for [CLS]/[SEP]."""
    owners = []
    for sentence in sentences:
        row, word_no = [-1], 0
        for word in sentence.split():
            row.extend([word_no] * len(splitter.tokenize(word)))
            word_no += 1
        row.append(-1)
        owners.append(row)
    return owners


def word_scores(encoder: SentenceTransformer, sentences: Sequence[str], question: str):
    q = encoder.encode(question, convert_to_tensor=True)
    per_token = encoder.encode(list(sentences), output_value="token_embeddings")
    owners = word_owners(sentences, encoder.tokenizer)
    width = max(len(s.split()) for s in sentences) + 1  # last column swallows specials/padding
    longest = max(len(o) for o in owners)
    slot = torch.full((len(sentences), longest), width - 1, dtype=torch.long)
    sims = torch.full((len(sentences), longest), float("-inf"))
    for i, (own, emb) in enumerate(zip(owners, per_token)):
        assert len(own) == emb.shape[0], (len(own), emb.shape)
        own_t = torch.tensor(own)
        slot[i, : len(own)] = torch.where(own_t < 0, width - 1, own_t)
        sims[i, : len(own)] = torch.cosine_similarity(emb, q[None, :], dim=-1)
    table = torch.full((len(sentences), width), float("-inf"))
    table.scatter_reduce_(1, slot, sims, reduce="amax", include_self=True)
    return table[:, :-1]


def self_check(encoder: SentenceTransformer) -> None:
    one = LEASE[1]
    owners = word_owners([one], encoder.tokenizer)[0]
    assert owners[0] == owners[-1] == -1
    assert owners[1:4] == [0, 0, 0], owners  # sub ##let ##ting
    table = word_scores(encoder, [one], QUESTION)
    assert table.shape == (1, len(one.split()))
    assert torch.isfinite(table).all()
    print("self_check ok")


if __name__ == "__main__":
    enc = build_encoder()
    self_check(enc)
    scores = word_scores(enc, LEASE, QUESTION)
    for sentence, row in zip(LEASE, scores):
        words = sentence.split()
        top = row[: len(words)].topk(3).indices.tolist()
        print(f"{sentence!r:70} -> {[words[j] for j in top]}")
