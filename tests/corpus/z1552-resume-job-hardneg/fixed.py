"""Resume -> job posting matcher. A bi-encoder embeds a candidate's resume summary
and the job postings; training uses in-batch negatives plus, for every resume,
the most similar *wrong* posting mined from the current index."""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

# (resume summary, posting that hired the candidate)
PLACEMENTS = [
    ("five years of backend development in java and spring with postgres",
     "senior java backend engineer spring boot postgres microservices"),
    ("registered nurse with icu experience and night shift availability",
     "icu nurse night shift hospital critical care team"),
    ("forklift certified warehouse associate with inventory scanning",
     "warehouse associate forklift license inventory and shipping"),
    ("data analyst skilled in sql dashboards and excel reporting",
     "business data analyst sql dashboards weekly reporting"),
    ("elementary teacher with classroom management and lesson planning",
     "primary school teacher lesson planning classroom of thirty"),
    ("line cook experienced in grill station and food safety",
     "line cook grill station restaurant food safety certificate"),
    ("accountant handling payroll tax filings and month end close",
     "staff accountant payroll taxes month end close"),
    ("frontend developer building react components and css layouts",
     "frontend engineer react typescript css design system"),
]
RESUMES = [r for r, _ in PLACEMENTS]
POSTINGS = [p for _, p in PLACEMENTS]
BATCH = 4


def write_vocab(folder):
    words = sorted({w for text in RESUMES + POSTINGS for w in text.split()})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "jobs_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path, len(tokens)


class JobMatcher(torch.nn.Module):
    def __init__(self, n_tokens):
        super().__init__()
        cfg = BertConfig(vocab_size=n_tokens, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=48)
        self.resume_enc = BertModel(cfg)
        self.posting_enc = BertModel(cfg)

    @staticmethod
    def _pool(encoder, batch):
        out = encoder(**batch).last_hidden_state
        live = batch["attention_mask"].unsqueeze(-1).float()
        vec = (out * live).sum(1) / live.sum(1)
        return F.normalize(vec, dim=-1)

    def embed_resumes(self, tok, texts):
        return self._pool(self.resume_enc, tok(texts, padding=True, return_tensors="pt"))

    def embed_postings(self, tok, texts):
        return self._pool(self.posting_enc, tok(texts, padding=True, return_tensors="pt"))


@torch.no_grad()
def mine_wrong_postings(model, tok):
    sims = model.embed_resumes(tok, RESUMES) @ model.embed_postings(tok, POSTINGS).T
    sims.fill_diagonal_(-1e4)
    return sims.argmax(dim=1).tolist()


def match_targets(posting_vecs):
    # the gold posting of resume i sits in column i of the score matrix
    return torch.arange(posting_vecs.size(0))


def train_step(model, tok, opt, rows, hardest, tau=0.07):
    resume_vecs = model.embed_resumes(tok, [RESUMES[r] for r in rows])
    gold = [POSTINGS[r] for r in rows]
    decoys = [POSTINGS[hardest[r]] for r in rows]
    posting_vecs = model.embed_postings(tok, gold + decoys)
    scores = resume_vecs @ posting_vecs.T / tau
    loss = F.cross_entropy(scores, match_targets(resume_vecs))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


@torch.no_grad()
def shortlist(model, tok, resume, k=3):
    board = model.embed_postings(tok, POSTINGS)
    q = model.embed_resumes(tok, [resume])
    top = (q @ board.T).squeeze(0).topk(k)
    return [(POSTINGS[i], round(s, 3)) for s, i in zip(top.values.tolist(), top.indices.tolist())]


def main():
    with tempfile.TemporaryDirectory() as folder:
        vocab_path, n_tokens = write_vocab(folder)
        tok = BertTokenizer(vocab_path)
        model = JobMatcher(n_tokens)
        opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

        for epoch in range(4):
            hardest = mine_wrong_postings(model, tok)
            rows = list(range(len(PLACEMENTS)))
            random.shuffle(rows)
            epoch_loss = [train_step(model, tok, opt, rows[i:i + BATCH], hardest)
                          for i in range(0, len(rows), BATCH)]
            print(f"epoch {epoch}: contrastive loss {sum(epoch_loss) / len(epoch_loss):.4f}")

        for posting, score in shortlist(model, tok, "nurse looking for hospital night shifts in intensive care"):
            print(f"{score:+.3f}  {posting}")


if __name__ == "__main__":
    main()
