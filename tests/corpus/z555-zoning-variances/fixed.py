"""Train a small bi-encoder to find similar zoning variance decisions.

Planning staff search past board decisions when a new variance request comes
in. Each decision is indexed as its summary followed by the attached
conditions, and pairs of decisions were scored for similarity by a planner.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(21)
np.random.seed(21)
torch.manual_seed(21)

DECISIONS = {
    "V-101": ("rear setback reduced to four feet for detached garage",
              ["garage height limited to one storey", "no habitable space above garage"]),
    "V-102": ("side setback reduced to three feet for garage addition",
              ["gutters must drain onto applicant lot"]),
    "V-103": ("additional height granted for church bell tower",
              ["tower lighting shielded downward", "no signage on tower"]),
    "V-104": ("lot coverage increased to forty percent for accessory dwelling unit",
              ["owner must occupy principal dwelling", "one off street parking space added",
               "unit may not be sold separately", "unit limited to two bedrooms",
               "entrance must face rear yard", "exterior materials must match principal dwelling",
               "no short term rental of either unit", "landscape buffer along north property line",
               "stormwater plan approved by city engineer before permit",
               "decision recorded against deed within thirty days"]),
    "V-105": ("lot coverage increased to thirty eight percent for rear addition",
              ["addition limited to one storey", "existing mature oak tree retained",
               "construction hours limited to weekdays", "no new curb cut",
               "stormwater plan approved by city engineer before permit",
               "landscape buffer along east property line", "exterior materials must match house",
               "decision recorded against deed within thirty days"]),
    "V-106": ("reduced parking for corner bakery in mixed use district",
              ["bicycle rack for six bicycles", "delivery hours before eight am only"]),
}

SCORED_PAIRS = [
    ("V-101", "V-102", 0.8), ("V-101", "V-103", 0.1), ("V-104", "V-105", 0.9),
    ("V-103", "V-106", 0.2), ("V-102", "V-105", 0.4), ("V-104", "V-106", 0.1),
    ("V-101", "V-105", 0.5), ("V-103", "V-104", 0.0),
]


def decision_text(case_no):
    summary, conditions = DECISIONS[case_no]
    return summary + " conditions " + " ".join(conditions)


def save_base_encoder(out_dir):
    words = sorted({w for k in DECISIONS for w in decision_text(k).split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    with open(os.path.join(out_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(os.path.join(out_dir, "vocab.txt"))
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(cfg).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return tok


def longest_decision(tok):
    lengths = {k: len(tok.encode(decision_text(k))) for k in DECISIONS}
    for k, n in sorted(lengths.items()):
        print(f"  {k}: {n} tokens")
    return max(lengths.values())


def main():
    base_dir = tempfile.mkdtemp(prefix="zoning_bert_")
    tok = save_base_encoder(base_dir)

    # index whole decisions, conditions included
    seq_len = min(longest_decision(tok), BertConfig.from_pretrained(base_dir).max_position_embeddings)
    print(f"max_seq_length set to {seq_len}")

    word_model = models.Transformer(base_dir, max_seq_length=seq_len)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    examples = [
        InputExample(texts=[decision_text(a), decision_text(b)], label=score)
        for a, b, score in SCORED_PAIRS
    ]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss_fn = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(
        train_objectives=[(loader, loss_fn)],
        epochs=1,
        warmup_steps=1,
        show_progress_bar=False,
    )

    emb = encoder.encode([decision_text("V-104"), decision_text("V-105")], convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(emb[0:1], emb[1:2]).item()
    print(f"V-104 vs V-105 cosine after training: {sim:.3f}")


if __name__ == "__main__":
    main()
