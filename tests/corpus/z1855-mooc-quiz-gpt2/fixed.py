# Next-answer prediction for in-video quizzes of a MOOC.
# Quiz questions are represented by their text (TF-IDF -> SVD), a learner's attempt
# adds a right/wrong embedding, and a tiny GPT-2 reads the attempt history causally.
import random

import numpy as np
import torch
import torch.nn as nn
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from transformers import GPT2Config, GPT2Model

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)

TOPICS = ["gradient descent", "overfitting", "regularization", "decision trees", "k-means",
          "precision and recall", "cross validation", "neural networks", "bias variance", "pca"]
TEMPLATES = ["What happens to {} when the data doubles?", "Which statement about {} is true?",
             "Pick the best definition of {}.", "Why would you use {} here?"]
MAX_ATTEMPTS = 24
HIDDEN = 32

quiz_bank = [t.format(topic) for topic in TOPICS for t in TEMPLATES]


def question_vectors(texts, dim):
    tfidf = TfidfVectorizer(ngram_range=(1, 2)).fit_transform(texts)
    svd = TruncatedSVD(n_components=dim, random_state=0)
    vecs = svd.fit_transform(tfidf)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-8
    return vecs


def simulate_learners(n, n_questions):
    cohort = []
    for _ in range(n):
        strength = np.random.rand(len(TOPICS))
        qs = np.random.randint(0, n_questions, size=random.randint(4, MAX_ATTEMPTS))
        correct = (np.random.rand(len(qs)) < 0.25 + 0.7 * strength[qs // len(TEMPLATES)]).astype(int)
        cohort.append((qs, correct))
    return cohort


def pad_cohort(cohort):
    q = torch.zeros(len(cohort), MAX_ATTEMPTS, dtype=torch.long)
    c = torch.zeros(len(cohort), MAX_ATTEMPTS, dtype=torch.long)
    attn = torch.zeros(len(cohort), MAX_ATTEMPTS, dtype=torch.long)
    for i, (qs, correct) in enumerate(cohort):
        q[i, :len(qs)] = torch.from_numpy(qs)
        c[i, :len(qs)] = torch.from_numpy(correct)
        attn[i, :len(qs)] = 1
    return q, c, attn


class QuizTracer(nn.Module):
    def __init__(self, question_vecs):
        super().__init__()
        self.register_buffer("question_vecs", question_vecs)
        self.outcome_emb = nn.Embedding(2, HIDDEN)
        cfg = GPT2Config(n_embd=HIDDEN, n_layer=1, n_head=2, n_positions=MAX_ATTEMPTS,
                         vocab_size=8, bos_token_id=0, eos_token_id=0,
                         resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
        self.backbone = GPT2Model(cfg)
        self.score = nn.Bilinear(HIDDEN, HIDDEN, 1)

    def forward(self, q, c, attn):
        attempts = self.question_vecs[q] + self.outcome_emb(c)
        states = self.backbone(inputs_embeds=attempts, attention_mask=attn).last_hidden_state
        upcoming = self.question_vecs[q[:, 1:]]
        return self.score(states[:, :-1].contiguous(), upcoming).squeeze(-1)


def main():
    vecs = question_vectors(quiz_bank, HIDDEN)
    q, c, attn = pad_cohort(simulate_learners(60, len(quiz_bank)))
    model = QuizTracer(torch.from_numpy(vecs).float())
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.BCEWithLogitsLoss(reduction="none")

    target = c[:, 1:].float()
    target_mask = attn[:, 1:].float()
    for epoch in range(5):
        for rows in torch.randperm(q.size(0)).split(20):
            logits = model(q[rows], c[rows], attn[rows])
            loss = (loss_fn(logits, target[rows]) * target_mask[rows]).sum() / target_mask[rows].sum()
            optim.zero_grad()
            loss.backward()
            optim.step()
        with torch.no_grad():
            pred = (model(q, c, attn) > 0).float()
            acc = ((pred == target).float() * target_mask).sum() / target_mask.sum()
        print(f"epoch {epoch}: loss={loss.item():.4f} acc={acc.item():.3f}")


if __name__ == "__main__":
    main()
