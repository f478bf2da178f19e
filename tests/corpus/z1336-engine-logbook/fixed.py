"""Token tagger for engine-room logbook pages.

A whole watch log is one long token stream, so we cut it into overlapping
windows, run the encoder on every window at once and stitch the per-token
scores back together before the loss.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

LOG_LINES = [
    "0400 aux boiler pressure 7 bar feed pump two running",
    "0415 main engine rpm 92 exhaust temp 340 cylinder three",
    "0430 purifier sludge discharge ok lube oil temp 48",
    "0445 stern tube bearing temp 41 shaft generator online",
    "0500 fuel oil booster pump one standby viscosity 13",
    "0515 jacket water temp 82 expansion tank level normal",
    "0530 bilge well aft high alarm pumped out to holding",
    "0545 turbocharger rpm 14500 scavenge air pressure 2",
]
PARTS = {"boiler", "pump", "engine", "cylinder", "purifier", "bearing", "generator",
         "shaft", "tank", "turbocharger", "well", "booster"}
TAGS = ["O", "PART", "VALUE"]


@dataclass
class WindowCfg:
    window: int = 48
    stride: int = 24


def read_records(lines, repeats=3):
    for _ in range(repeats):
        for line in lines:
            yield line.split()


def tag_word(word):
    if word in PARTS:
        return TAGS.index("PART")
    if word.isdigit():
        return TAGS.index("VALUE")
    return TAGS.index("O")


def tokenize_stream(records, tok):
    # every word is in the vocab, so one word -> one wordpiece
    for words in records:
        for w in words:
            yield tok.convert_tokens_to_ids(w), tag_word(w)


def sliding_windows(seq, size, stride):
    last = max(len(seq) - size, 0)
    for start in range(0, last + stride, stride):
        start = min(start, last)
        yield start, seq[start:start + size]


def stitch(starts, window_scores, size):
    pieces, covered = [], 0
    for start, scores in zip(starts, window_scores):
        keep_from = max(covered - start, 0)
        pieces.append(scores[keep_from:])
        covered = start + size
    return torch.cat(pieces, dim=0)


class LogTagger(nn.Module):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(32, n_tags)

    def forward(self, ids):
        return self.head(self.encoder(input_ids=ids).last_hidden_state)


def build_tokenizer(lines):
    words = sorted({w for line in lines for w in line.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path, do_lower_case=True)


def main():
    cfg = WindowCfg()
    tok = build_tokenizer(LOG_LINES)
    pairs = list(tokenize_stream(read_records(LOG_LINES), tok))
    token_ids = [p[0] for p in pairs]
    gold_tags = torch.tensor([p[1] for p in pairs])
    print(f"log page: {len(token_ids)} tokens, window={cfg.window} stride={cfg.stride}")

    model = LogTagger(len(tok), len(TAGS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for step in range(5):
        spans = list(sliding_windows(token_ids, cfg.window, cfg.stride))
        starts = [s for s, _ in spans]
        batch = torch.stack([torch.tensor(w) for _, w in spans])
        window_logits = model(batch)
        page_logits = stitch(starts, window_logits, batch.size(1))
        loss = F.cross_entropy(page_logits, gold_tags)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} windows={len(spans)} loss={loss.item():.4f}")

    with torch.no_grad():
        pred = page_logits.argmax(-1)
        acc = (pred == gold_tags).float().mean().item()
    print(f"train-page tag accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
