"""Statute retrieval for a legal-aid chatbot: a BERT bi-encoder fetches candidate
provisions for a citizen's question, a cross-encoder then rescores (question, provision)."""
import copy
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer, BertForSequenceClassification

torch.manual_seed(3)

PROVISIONS = [
    "a landlord must return the security deposit within thirty days after the tenancy ends",
    "an employer shall pay overtime at one and a half times the regular rate",
    "a consumer may cancel a doorstep sale within fourteen days without giving reasons",
    "a tenant may withhold rent if the landlord fails to make essential repairs",
    "an employee is entitled to written notice before dismissal after one year of service",
    "a seller must repair or replace goods that are faulty at the time of delivery",
]
QUESTIONS = [
    "when does my landlord have to give back my deposit",
    "how much extra should i get paid for overtime hours",
    "can i cancel something i bought from a salesman at my door",
    "my landlord will not fix the heating can i stop paying rent",
    "can my boss fire me without any notice",
    "the washing machine i bought was broken on arrival what are my rights",
]

ENCODER_KW = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                  intermediate_size=64, max_position_embeddings=64, type_vocab_size=1)


def write_vocab(folder):
    words = sorted({w for t in PROVISIONS + QUESTIONS for w in re.findall(r"[a-z]+", t)})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def embed(encoder, tok, texts):
    enc = tok(texts, padding=True, return_tensors="pt")
    cls = encoder(**enc).last_hidden_state[:, 0]
    return F.normalize(cls, dim=-1)


def train_bi_encoder(encoder, tok, steps=1):
    opt = torch.optim.AdamW(encoder.parameters(), lr=5e-4)
    for step in range(steps):
        q = embed(encoder, tok, QUESTIONS)
        p = embed(encoder, tok, PROVISIONS)
        sim = q @ p.T / 0.05
        loss = F.cross_entropy(sim, torch.arange(len(QUESTIONS)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"bi-encoder loss after {steps} steps: {loss.item():.4f}")


def train_reranker(reranker, tok, shortlist, steps=1):
    pairs_q, pairs_p, labels = [], [], []
    for qi, cands in enumerate(shortlist):
        for pi in cands:
            pairs_q.append(QUESTIONS[qi])
            pairs_p.append(PROVISIONS[pi])
            labels.append(1.0 if pi == qi else 0.0)
    target = torch.tensor(labels)
    opt = torch.optim.AdamW(reranker.parameters(), lr=5e-4)
    for step in range(steps):
        batch = tok(pairs_q, pairs_p, padding=True, return_tensors="pt")
        logits = reranker(**batch).logits.squeeze(-1)
        loss = F.binary_cross_entropy_with_logits(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"reranker loss after {steps} steps: {loss.item():.4f}")


@torch.no_grad()
def rerank(reranker, tok, question, cand_ids):
    batch = tok([question] * len(cand_ids), [PROVISIONS[i] for i in cand_ids],
                padding=True, return_tensors="pt")
    scores = reranker(**batch).logits.squeeze(-1)
    order = scores.argsort(descending=True)
    return [cand_ids[i] for i in order.tolist()], scores[order].tolist()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tok = BertTokenizer(write_vocab(tmp))
        base_cfg = BertConfig(vocab_size=len(tok), **ENCODER_KW)

        bi_encoder = BertModel(base_cfg, add_pooling_layer=False)
        train_bi_encoder(bi_encoder, tok)
        bi_encoder.eval()
        with torch.no_grad():
            provision_index = embed(bi_encoder, tok, PROVISIONS)
            question_vecs = embed(bi_encoder, tok, QUESTIONS)
        _, shortlist = (question_vecs @ provision_index.T).topk(3, dim=-1)
        shortlist = shortlist.tolist()
        print("bi-encoder shortlist:", shortlist)

        rr_cfg = copy.deepcopy(base_cfg)
        rr_cfg.num_labels = 1
        reranker = BertForSequenceClassification(rr_cfg)
        train_reranker(reranker, tok, shortlist)
        reranker.eval()

        for qi, question in enumerate(QUESTIONS[:3]):
            ranked, scores = rerank(reranker, tok, question, shortlist[qi])
            print(question)
            for pi, s in zip(ranked, scores):
                print(f"   {s:+.3f}  {PROVISIONS[pi][:60]}")


if __name__ == "__main__":
    main()
