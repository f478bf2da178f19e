"""Flag re-declared goods in customs declarations.

A bi-encoder scores description pairs; a reliability table (built on a labelled audit
sample) turns the raw score into an empirical duplicate rate before we hand pairs to
inspectors.
"""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

N_BINS = 100
PRIOR_WEIGHT = 2.0
BIN_EDGES = torch.linspace(0.0, 1.0, N_BINS + 1)

TRAIN_PAIRS = [
    ("frozen boneless beef cuts vacuum packed", "vacuum packed frozen beef without bone", 1.0),
    ("cotton t shirts knitted mens", "mens knitted cotton tee shirts", 1.0),
    ("lithium ion batteries for laptops", "rechargeable lithium cells for notebook computers", 1.0),
    ("roasted coffee beans not decaffeinated", "coffee roasted whole beans", 1.0),
    ("frozen boneless beef cuts vacuum packed", "mens knitted cotton tee shirts", 0.0),
    ("lithium ion batteries for laptops", "roasted coffee beans not decaffeinated", 0.0),
    ("steel bolts with nuts zinc plated", "zinc plated steel bolts and nuts", 1.0),
    ("steel bolts with nuts zinc plated", "coffee roasted whole beans", 0.0),
    ("ceramic floor tiles glazed", "glazed ceramic tiles for floors", 1.0),
    ("ceramic floor tiles glazed", "rechargeable lithium cells for notebook computers", 0.0),
]

AUDIT_PAIRS = [  # labelled by the inspection team
    ("mens knitted cotton tee shirts", "cotton t shirts knitted mens", 1),
    ("glazed ceramic tiles for floors", "steel bolts with nuts zinc plated", 0),
    ("frozen boneless beef cuts vacuum packed", "frozen boneless beef cuts vacuum packed", 1),
    ("coffee roasted whole beans", "lithium ion batteries for laptops", 0),
    ("zinc plated steel bolts and nuts", "steel bolts with nuts zinc plated", 1),
    ("roasted coffee beans not decaffeinated", "vacuum packed frozen beef without bone", 0),
]


def tiny_bi_encoder(texts):
    root = tempfile.mkdtemp()
    words = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    word = models.Transformer(root, max_seq_length=32)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def pair_scores(model, pairs):
    left = model.encode([a for a, *_ in pairs], convert_to_tensor=True)
    right = model.encode([b for _, b, *_ in pairs], convert_to_tensor=True)
    return (F.cosine_similarity(left, right, dim=-1) + 1.0) / 2.0


def to_bin(p):
    """Percent bucket of a [0, 1] score."""
    return torch.bucketize(p, BIN_EDGES[1:-1])


class ReliabilityTable:
    def __init__(self, n_bins):
        self.hits = torch.zeros(n_bins)
        self.seen = torch.zeros(n_bins)
        self.base_rate = 0.5

    def fit(self, scores, outcomes):
        self.base_rate = sum(outcomes) / len(outcomes)
        for b, y in zip(to_bin(scores).tolist(), outcomes):
            self.seen[b] += 1
            self.hits[b] += y
        return self

    def __call__(self, scores):
        b = to_bin(scores)
        return (self.hits[b] + PRIOR_WEIGHT * self.base_rate) / (self.seen[b] + PRIOR_WEIGHT)


def main():
    corpus = [t for a, b, _ in TRAIN_PAIRS for t in (a, b)]
    model = tiny_bi_encoder(corpus)
    examples = [InputExample(texts=[a, b], label=y) for a, b, y in TRAIN_PAIRS]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    model.old_fit(train_objectives=[(loader, losses.CosineSimilarityLoss(model))], epochs=3,
                  warmup_steps=0, optimizer_params={"lr": 1e-3}, show_progress_bar=False)
    print("bi-encoder trained on", len(examples), "pairs")

    audit_scores = pair_scores(model, AUDIT_PAIRS)
    table = ReliabilityTable(N_BINS).fit(audit_scores, [y for *_, y in AUDIT_PAIRS])
    print(f"reliability table fitted on {len(AUDIT_PAIRS)} audited pairs, base rate {table.base_rate:.2f}")

    incoming = [("cotton t shirts knitted mens", "mens knitted cotton tee shirts"),
                ("ceramic floor tiles glazed", "coffee roasted whole beans")]
    for (a, b), raw, cal in zip(incoming, pair_scores(model, incoming), table(pair_scores(model, incoming))):
        print(f"{a!r} vs {b!r}: raw {raw:.3f} -> duplicate rate {cal:.2f}")


if __name__ == "__main__":
    main()
