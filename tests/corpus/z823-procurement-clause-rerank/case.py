"""Two-stage clause retrieval for procurement contract drafting.

Stage 1: a small bi-encoder (sentence-transformers) scores every clause in the
library against the drafter's request and keeps a shortlist.
Stage 2: the shortlist is re-ranked with a term-overlap bonus, and we log how the
annotated clause fared in the first stage.
"""
import os
import re
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

CLAUSES = [
    "The supplier shall deliver goods to the named site within thirty days of the order.",
    "Either party may terminate this agreement with ninety days written notice.",
    "Liquidated damages of one percent per week apply to late delivery.",
    "The buyer shall pay undisputed invoices within forty five days of receipt.",
    "All intellectual property created under this contract vests in the buyer.",
    "The supplier shall maintain public liability insurance of five million.",
    "Disputes shall be referred to mediation before any court proceedings.",
    "Confidential information must not be disclosed to any third party.",
]
REQUESTS = [
    ("penalty when delivery is late", 2),
    ("how long until invoices are paid", 3),
    ("send disagreements to mediation first", 6),
    ("insurance cover the supplier must hold", 5),
]
SHORTLIST = 4


def tiny_encoder_dir(texts):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    out = tempfile.mkdtemp(prefix="clause_enc_")
    with open(os.path.join(out, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(out, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


def build_encoder(path):
    word = models.Transformer(path, max_seq_length=48)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def term_overlap(query, clause):
    q = set(re.findall(r"[a-z]+", query.lower()))
    c = set(re.findall(r"[a-z]+", clause.lower()))
    return len(q & c) / max(len(q), 1)


def main():
    encoder = build_encoder(tiny_encoder_dir(CLAUSES + [q for q, _ in REQUESTS]))

    pairs = [InputExample(texts=[q, CLAUSES[g]]) for q, g in REQUESTS]
    loader = DataLoader(pairs, shuffle=True, batch_size=4)
    encoder.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(encoder))],
                    epochs=2, warmup_steps=0, show_progress_bar=False)

    queries = [q for q, _ in REQUESTS]
    gold_pos = torch.tensor([g for _, g in REQUESTS])
    q_emb = encoder.encode(queries, convert_to_tensor=True, normalize_embeddings=True)
    c_emb = encoder.encode(CLAUSES, convert_to_tensor=True, normalize_embeddings=True)
    scores = q_emb @ c_emb.T
    print("first-stage score matrix", tuple(scores.shape))

    order = scores.argsort(dim=1, descending=True)
    ranked = scores.gather(1, order)
    short_idx, short_scores = order[:, :SHORTLIST], ranked[:, :SHORTLIST]

    bonus = torch.tensor([[term_overlap(q, CLAUSES[j]) for j in row.tolist()]
                          for q, row in zip(queries, short_idx)])
    fused = 0.7 * short_scores + 0.3 * bonus
    reranked = short_idx.gather(1, fused.argsort(dim=1, descending=True))

    gold_first = short_scores.gather(1, gold_pos.unsqueeze(1)).squeeze(1)
    gap_to_top = short_scores[:, 0] - gold_first

    for q, g, top, gap in zip(queries, gold_pos.tolist(), reranked[:, 0].tolist(), gap_to_top.tolist()):
        hit = "HIT " if top == g else "MISS"
        print(f"{hit} {q!r}: picked clause {top}, annotated {g}, stage-1 gap {gap:.3f}")

    in_shortlist = (short_idx == gold_pos.unsqueeze(1)).any(dim=1).float().mean()
    print(f"recall@{SHORTLIST}: {in_shortlist:.2f}")


if __name__ == "__main__":
    main()
