"""Encode dock manifest lines and pool them into one vector per line for the
berth-assignment clustering job."""
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

MANIFEST_LINES = [
    "reefer-container 40ft berth-3 cold-chain",
    "bulk grain, hold two, discharge at east-quay",
    "ro-ro trailers x12 lashing-check pending",
    "hazmat class-3 drums, segregated stow",
    "empty flat-rack return to depot",
]

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "reefer", "container", "40ft", "berth", "3", "cold", "chain",
    "bulk", "grain", "hold", "two", "discharge", "at", "east", "quay",
    "ro", "trailers", "x12", "lashing", "check", "pending",
    "hazmat", "class", "drums", "segregated", "stow",
    "empty", "flat", "rack", "return", "to", "depot",
    "-", ",", ".",
]


def build_tokenizer():
    workdir = tempfile.mkdtemp(prefix="manifest_")
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


def presence_flags(texts):
    # one flag per entry on the manifest line, zero-filled to the longest line
    counts = [len(t.split()) for t in texts]
    longest = max(counts)
    flags = torch.zeros(len(texts), longest)
    for i, n in enumerate(counts):
        flags[i, :n] = 1.0
    return flags


def embed_manifest(model, tokenizer, texts):
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    valid = presence_flags(texts)
    print(f"encoded batch: {tuple(enc['input_ids'].shape)}")
    with torch.no_grad():
        out = model(
            input_ids=enc["input_ids"],
            token_type_ids=enc["token_type_ids"],
            attention_mask=valid,
        )
    hidden = out.last_hidden_state
    weights = valid.unsqueeze(-1)
    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
    return pooled


def main():
    tokenizer = build_tokenizer()
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = BertModel(config).eval()
    print(f"manifest lines: {len(MANIFEST_LINES)}")

    vectors = embed_manifest(model, tokenizer, MANIFEST_LINES)
    print(f"pooled vectors: {tuple(vectors.shape)}")

    sims = torch.nn.functional.cosine_similarity(
        vectors.unsqueeze(1), vectors.unsqueeze(0), dim=-1
    )
    for i, line in enumerate(MANIFEST_LINES):
        sims[i, i] = -1.0
        j = int(sims[i].argmax())
        print(f"{line[:30]:<30} ~ {MANIFEST_LINES[j][:30]}")


if __name__ == "__main__":
    main()
