"""Evaluate a small BERT bi-encoder on FAQ retrieval: MRR of the gold passage for each user question."""
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizerFast

QUESTIONS = ["how do i return a jacket", "when will my parcel arrive", "can i pay with paypal",
             "how do i change my size"]
PASSAGES = [
    "items can be returned within thirty days using the free return label in your order confirmation",
    "parcels usually arrive within three to five working days after dispatch",
    "we accept credit cards paypal and bank transfer at checkout",
    "to exchange an item for another size start a return and place a new order for the size you need",
]


def build(folder):
    words = sorted({w for t in QUESTIONS + PASSAGES for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
    model = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
    return tokenizer, model.eval()


@torch.no_grad()
def similarity_matrix(model, tokenizer, questions, passages):
    q = tokenizer(questions, padding=True, return_tensors="pt")

    def embed(enc):
        mask = enc["attention_mask"]
        states = model(input_ids=enc["input_ids"], attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).float()
        pooled = (states * weights).sum(1) / weights.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1)

    q_emb = embed(q)
    p = tokenizer(passages, padding=True, truncation=True, max_length=48, return_tensors="pt")
    p_emb = embed(p)
    return q_emb @ p_emb.T


def mean_reciprocal_rank(scores):
    gold = torch.arange(scores.size(0))
    ranks = (scores > scores[gold, gold].unsqueeze(1)).sum(dim=1) + 1
    return (1.0 / ranks.float()).mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    tokenizer, model = build(tempfile.mkdtemp())
    scores = similarity_matrix(model, tokenizer, QUESTIONS, PASSAGES)
    print(f"MRR@4: {mean_reciprocal_rank(scores):.3f}")
