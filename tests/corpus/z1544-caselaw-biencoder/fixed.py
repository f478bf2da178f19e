"""Bi-encoder for case-law retrieval: match a legal question to the holding
that answers it, trained with in-batch negatives plus one mined hard negative."""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

HOLDINGS = [
    "the landlord must return the security deposit within thirty days of the lease ending",
    "a verbal contract for the sale of land is not enforceable under the statute of frauds",
    "the employer is liable for the negligence of an employee acting within the scope of employment",
    "evidence obtained without a warrant during an unlawful search must be excluded at trial",
    "a tenant may withhold rent when the landlord fails to repair conditions that make the unit unsafe",
    "the court held that a noncompete clause without a time limit is unreasonable and void",
    "a driver who leaves the scene of an accident without reporting it commits a misdemeanor",
    "the seller breached the implied warranty because the goods were not fit for ordinary use",
]
QUESTIONS = [
    "when does a landlord have to give back my deposit",
    "can i enforce a spoken agreement to buy land",
    "is my company responsible when a worker causes an accident on the job",
    "can the police use evidence found without a warrant",
    "can i stop paying rent if the apartment is unsafe",
    "is a noncompete with no end date valid",
    "what happens if i drive away after a crash",
    "the product broke right away can i claim a warranty",
]

MAX_HOLDING_TOKENS = 12


def build_tokenizer(workdir):
    words = sorted({w for text in HOLDINGS + QUESTIONS for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "legal_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path), len(vocab)


def mean_pool(token_states, keep):
    keep = keep.unsqueeze(-1).to(token_states.dtype)
    summed = (token_states * keep).sum(dim=1)
    return summed / keep.sum(dim=1).clamp(min=1.0)


class LegalBiEncoder(torch.nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.question_tower = BertModel(cfg)
        self.holding_tower = BertModel(cfg)

    def embed(self, tower, token_ids, keep):
        states = tower(input_ids=token_ids, attention_mask=keep).last_hidden_state
        return F.normalize(mean_pool(states, keep), dim=-1)


def encode_questions(model, tok, questions):
    enc = tok(questions, padding=True, return_tensors="pt")
    return model.embed(model.question_tower, enc["input_ids"], enc["attention_mask"])


def encode_holdings(model, tok, holdings):
    enc = tok(holdings, padding=True, return_tensors="pt")
    holding_ids = enc["input_ids"][:, :MAX_HOLDING_TOKENS]
    holding_keep = enc["attention_mask"][:, :MAX_HOLDING_TOKENS]
    return model.embed(model.holding_tower, holding_ids, holding_keep)


def mine_hard_negatives(model, tok):
    with torch.no_grad():
        q = encode_questions(model, tok, QUESTIONS)
        h = encode_holdings(model, tok, HOLDINGS)
    sims = q @ h.T
    sims.fill_diagonal_(float("-inf"))
    return sims.argmax(dim=1).tolist()


def contrastive_step(model, tok, optim, batch_idx, hard_neg_idx, temperature=0.05):
    qs = [QUESTIONS[i] for i in batch_idx]
    pos = [HOLDINGS[i] for i in batch_idx]
    negs = [HOLDINGS[hard_neg_idx[i]] for i in batch_idx]
    q_emb = encode_questions(model, tok, qs)
    cand_emb = encode_holdings(model, tok, pos + negs)
    logits = q_emb @ cand_emb.T / temperature
    targets = torch.arange(len(qs))
    loss = F.cross_entropy(logits, targets)
    optim.zero_grad()
    loss.backward()
    optim.step()
    return loss.item()


def search(model, tok, query, k=3):
    with torch.no_grad():
        index = encode_holdings(model, tok, HOLDINGS)
        qv = encode_questions(model, tok, [query])
    scores, ids = (qv @ index.T).squeeze(0).topk(k)
    return [(HOLDINGS[i][:50], round(s, 3)) for i, s in zip(ids.tolist(), scores.tolist())]


def main():
    with tempfile.TemporaryDirectory() as workdir:
        tok, vocab_size = build_tokenizer(workdir)
        model = LegalBiEncoder(vocab_size)
        optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

        for epoch in range(3):
            hard_neg_idx = mine_hard_negatives(model, tok)
            order = torch.randperm(len(QUESTIONS)).tolist()
            losses = []
            for start in range(0, len(order), 4):
                losses.append(contrastive_step(model, tok, optim, order[start:start + 4], hard_neg_idx))
            print(f"epoch {epoch} loss {sum(losses) / len(losses):.4f}")

        for hit in search(model, tok, "do i get my deposit back from the landlord"):
            print(hit)


if __name__ == "__main__":
    main()
