"""Score vessel engine-room maintenance logs with a small causal LM.

Each vessel's log entries are joined into one document and scored by
perplexity; unusually high perplexity flags logs worth a human look.
"""
import math
import random
from dataclasses import dataclass, field

import torch
from transformers import GPT2Config, GPT2LMHeadModel


@dataclass
class ScoringConfig:
    vocab_words: list = field(default_factory=lambda: [
        "pump", "valve", "bearing", "oil", "pressure", "low", "high", "replaced",
        "inspected", "leak", "filter", "coolant", "temp", "alarm", "reset", "ok",
        "gasket", "shaft", "seal", "noise", "vibration", "checked", "port", "starboard",
        "generator", "fuel", "injector", "cleaned", "topped", "up",
    ])
    context_window: int = 128
    embed_dim: int = 64
    n_layers: int = 2
    n_heads: int = 4
    entries_per_vessel: int = 40
    seed: int = 7


class WordTokenizer:
    def __init__(self, words):
        self.itos = ["<pad>", "<unk>", "<bos>", "<sep>"] + list(words)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.bos_id = self.stoi["<bos>"]
        self.sep_id = self.stoi["<sep>"]

    def __len__(self):
        return len(self.itos)

    def encode_document(self, entries):
        ids = [self.bos_id]
        for entry in entries:
            ids.extend(self.stoi.get(w, 1) for w in entry.split())
            ids.append(self.sep_id)
        return ids


def synth_logs(cfg, n_vessels=3):
    rng = random.Random(cfg.seed)
    fleet = {}
    for v in range(n_vessels):
        name = f"MV-{100 + v}"
        entries = []
        for _ in range(cfg.entries_per_vessel):
            length = rng.randint(3, 7)
            entries.append(" ".join(rng.choice(cfg.vocab_words) for _ in range(length)))
        fleet[name] = entries
    return fleet


def build_model(cfg, vocab_size):
    gpt_cfg = GPT2Config(
        vocab_size=vocab_size,
        n_positions=cfg.context_window,
        n_embd=cfg.embed_dim,
        n_layer=cfg.n_layers,
        n_head=cfg.n_heads,
        bos_token_id=2,
        eos_token_id=3,
    )
    model = GPT2LMHeadModel(gpt_cfg)
    model.eval()
    return model


@torch.no_grad()
def document_perplexity(model, token_ids):
    window = model.config.n_positions
    total_nll, total_tokens = 0.0, 0
    for start in range(0, len(token_ids), window):
        chunk = token_ids[start:start + window]
        if len(chunk) < 2:
            continue
        input_ids = torch.tensor([chunk])
        out = model(input_ids=input_ids, labels=input_ids)
        total_nll += out.loss.item() * (len(chunk) - 1)
        total_tokens += len(chunk) - 1
    return math.exp(total_nll / total_tokens)


def main():
    cfg = ScoringConfig()
    torch.manual_seed(cfg.seed)
    tok = WordTokenizer(cfg.vocab_words)
    model = build_model(cfg, len(tok))

    fleet = synth_logs(cfg)
    scores = {}
    for vessel, entries in fleet.items():
        doc_ids = tok.encode_document(entries)
        scores[vessel] = document_perplexity(model, doc_ids)
        print(f"{vessel}: {len(doc_ids)} tokens, ppl={scores[vessel]:.1f}")

    worst = max(scores, key=scores.get)
    print(f"review first: {worst}")


if __name__ == "__main__":
    main()
