"""Re-rank remedy passages for railway signalling fault reports.

Dense retrieval with a (small, untrained here) BERT bi-encoder, then a
subsystem-aware boost taken from last quarter's fix-success statistics.
"""
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

SUBSYSTEMS = ["interlocking", "track_circuit", "point_machine",
              "level_crossing", "axle_counter", "signal_lamp"]

# (remedy text, subsystem index)
KNOWLEDGE_BASE = [
    ("reset the interlocking route memory after a failed route release", 0),
    ("check the interlocking relay contacts for burnt tips and replace", 0),
    ("measure track circuit voltage at the feed end and compare with the relay end", 1),
    ("clean rail heads where rust causes track circuit drop out", 1),
    ("inspect insulated block joints for metal dust bridging the track circuit", 1),
    ("adjust point machine detection rods when the points fail to detect", 2),
    ("lubricate slide chairs if the point machine stalls mid stroke", 2),
    ("replace the point machine clutch when the motor current stays high", 2),
    ("check level crossing barrier motor limit switches after a barrier timeout", 3),
    ("verify the level crossing strike in treadle wiring", 3),
    ("reset the axle counter section after a miscount with a pilot train", 4),
    ("check axle counter head alignment on the rail foot", 4),
    ("replace the signal lamp filament when the lamp proving relay drops", 5),
    ("swap the led signal head driver card after a red aspect flicker", 5),
]

FAULT_REPORTS = [
    "points fail to detect in the reverse position after rain",
    "track circuit shows occupied with no train in section",
    "red aspect flicker on the home signal at night",
    "axle counter miscount after the engineering train left",
]

# success rate of first-line fixes per subsystem, used as a prior
SUBSYSTEM_SUCCESS = torch.tensor([0.62, 0.48, 0.71, 0.55, 0.80, 0.67])
BOOST_WEIGHT = 0.15
TOP_K = 4


def tokenize_words(text):
    return re.findall(r"\w+|[^\w\s]", text.lower())


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in tokenize_words(t)})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp(prefix="sigkb_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class BiEncoder:
    def __init__(self, tokenizer):
        self.tok = tokenizer
        cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.bert = BertModel(cfg).eval()

    @torch.no_grad()
    def embed(self, texts):
        enc = self.tok(texts, padding=True, return_tensors="pt")
        hidden = self.bert(**enc).last_hidden_state
        weights = enc["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1)
        return F.normalize(pooled, dim=-1)


def rerank(query_vec, passage_vecs, passage_subsystem, k):
    sims = passage_vecs @ query_vec
    top_scores, top_idx = sims.topk(k)
    prior = SUBSYSTEM_SUCCESS[top_idx]
    final = top_scores + BOOST_WEIGHT * prior
    order = final.argsort(descending=True)
    return top_idx[order], final[order]


def main():
    passages = [p for p, _ in KNOWLEDGE_BASE]
    passage_subsystem = torch.tensor([s for _, s in KNOWLEDGE_BASE])
    tok = build_tokenizer(passages + FAULT_REPORTS)
    print(f"vocab size {len(tok)}, {len(passages)} remedies in knowledge base")

    encoder = BiEncoder(tok)
    passage_vecs = encoder.embed(passages)
    report_vecs = encoder.embed(FAULT_REPORTS)

    for report, qvec in zip(FAULT_REPORTS, report_vecs):
        ranked, scores = rerank(qvec, passage_vecs, passage_subsystem, TOP_K)
        print(f"\nreport: {report}")
        for idx, score in zip(ranked.tolist(), scores.tolist()):
            sub = SUBSYSTEMS[passage_subsystem[idx]]
            print(f"  {score:.3f}  [{sub}] {passages[idx]}")


if __name__ == "__main__":
    main()
