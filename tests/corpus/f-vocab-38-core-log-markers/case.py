import os
import tempfile
import types

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

torch.manual_seed(0)

BASE_WORDS = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "core", "sample", "at", "depth", "shows", "fine", "coarse", "grained", "sandstone",
    "shale", "limestone", "with", "open", "closed", "fractures", "calcite", "veins",
    "and", "minor", "pyrite", "oil", "staining", "no", "visible", "porosity", "high",
    "low", "meters", "interval", "grey", "brown", "laminated", "massive", "bedding",
]

DOMAIN_MARKERS = ["[LITH]", "[FRAC]", "[FLUID]", "[DEPTH]"]

CORE_NOTES = [
    "[DEPTH] interval at depth shows [LITH] grey laminated shale with [FRAC] closed fractures",
    "[LITH] fine grained sandstone with high porosity and [FLUID] oil staining",
    "[DEPTH] core sample [LITH] massive limestone with calcite veins and minor pyrite",
    "[LITH] coarse grained brown sandstone [FRAC] open fractures [FLUID] no visible staining",
]


def prepare(state):
    workdir = tempfile.mkdtemp(prefix="corelog_")
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(BASE_WORDS) + "\n")
    tok = BertTokenizer(vocab_path)
    state.base_size = len(tok)
    added = tok.add_tokens(DOMAIN_MARKERS)
    print(f"base vocab: {state.base_size} tokens, added {added} core-log markers")
    state.tok = tok
    state.workdir = workdir


def build(state):
    config = BertConfig(
        vocab_size=state.base_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=64,
    )
    state.model = BertForMaskedLM(config)
    n_params = sum(p.numel() for p in state.model.parameters())
    print(f"model built with {n_params} parameters")


def mask_batch(input_ids, mask_id, prob=0.15):
    labels = input_ids.clone()
    special = input_ids < 5
    chosen = (torch.rand(input_ids.shape) < prob) & ~special
    labels[~chosen] = -100
    masked = input_ids.clone()
    masked[chosen] = mask_id
    return masked, labels


def train(state, epochs=3):
    enc = state.tok(CORE_NOTES, padding=True, return_tensors="pt")
    optimizer = torch.optim.AdamW(state.model.parameters(), lr=5e-4)
    state.model.train()
    for epoch in range(epochs):
        inputs, labels = mask_batch(enc["input_ids"], state.tok.mask_token_id)
        out = state.model(
            input_ids=inputs,
            attention_mask=enc["attention_mask"],
            labels=labels,
        )
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        print(f"epoch {epoch}: mlm loss {out.loss.item():.4f}")


def main():
    state = types.SimpleNamespace()
    prepare(state)
    build(state)
    train(state)
    print("core-log language model pretraining done")


if __name__ == "__main__":
    main()
