"""Encode pottery kiln firing logs with a small BERT built from scratch.

The vocabulary is generated from the logs themselves so the studio's jargon
(cone numbers, glaze names) gets its own ids instead of [UNK].
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

RESERVED = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BASE = ["cone", "kiln", "glaze", "fired", "to", "at", "hold", "minutes", "slow", "cool"]

FIRING_LOGS = [
    "bisque fired to cone 04 slow cool",
    "glaze fired to cone 6 hold 15 minutes",
    "reduction at cone 10 celadon crawled on rim",
    "kiln stalled at cone 5 element replaced",
    "shino glaze pinholed after fast cool",
    "tenmoku fired to cone 10 hold 20 minutes",
]


def collect_words(logs):
    words = set()
    for line in logs:
        words.update(line.lower().split())
    return words


def make_backbone(folder):
    words = collect_words(FIRING_LOGS) | set(BASE)
    entries = RESERVED + sorted(words)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        for tok in entries:
            fh.write(tok + "\n")

    cfg = BertConfig(
        vocab_size=len(RESERVED) + len(BASE),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    print(f"wrote {len(entries)} vocab entries to {path}")
    return BertModel(cfg), path


def embed_logs(model, tokenizer, logs):
    model.eval()
    enc = tokenizer(logs, padding=True, return_tensors="pt")
    print("batch shape:", tuple(enc["input_ids"].shape))
    with torch.no_grad():
        out = model(
            input_ids=enc["input_ids"],
            attention_mask=enc["attention_mask"],
            token_type_ids=enc["token_type_ids"],
        )
    # mean-pool over the real tokens only
    weights = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (out.last_hidden_state * weights).sum(1) / weights.sum(1)
    return pooled


def nearest_pairs(vectors, logs):
    normed = torch.nn.functional.normalize(vectors, dim=-1)
    sims = normed @ normed.T
    sims.fill_diagonal_(-1.0)
    for i, line in enumerate(logs):
        j = int(sims[i].argmax())
        print(f"{line!r:48} ~ {logs[j]!r} ({sims[i, j]:.3f})")


def main():
    workdir = tempfile.mkdtemp(prefix="kiln_")
    model, vocab_path = make_backbone(workdir)
    tokenizer = BertTokenizer(vocab_path)
    print("tokenizer size:", len(tokenizer))

    vectors = embed_logs(model, tokenizer, FIRING_LOGS)
    print("pooled:", tuple(vectors.shape))
    nearest_pairs(vectors, FIRING_LOGS)


if __name__ == "__main__":
    main()
