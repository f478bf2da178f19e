"""Tag fields on digitised herbarium sheet labels (genus, epithet, collector, date, locality)."""
import logging
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
import torch.nn as nn

# ---- constants -------------------------------------------------------------
SEED = 815
MAX_TOKENS = 16
EMBED_DIM = 24
RNN_DIM = 16
TAGS = ["O", "GENUS", "EPITHET", "COLLECTOR", "DATE", "LOCALITY"]
PAD_WORD = "<pad>"
UNK_WORD = "<unk>"

SHEETS = [
    "Quercus garryana coll. Henderson 1931 Klickitat county",
    "Carex obnupta coll. Suksdorf 1898 Bingen",
    "Salix sitchensis coll. Piper 1905 Olympic foothills gravel bar",
    "Lupinus latifolius coll. Thompson 1920 Mount Adams meadow",
]

log = logging.getLogger("herbarium")


class Settings(NamedTuple):
    max_tokens: int
    embed_dim: int
    rnn_dim: int


class Encoded(NamedTuple):
    word_ids: torch.Tensor
    lengths: List[int]
    words: List[List[str]]


class FieldTagger(nn.Module):
    def __init__(self, vocab_size: int, cfg: Settings, n_tags: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg.embed_dim, padding_idx=0)
        self.rnn = nn.GRU(cfg.embed_dim, cfg.rnn_dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * cfg.rnn_dim, n_tags)

    def forward(self, word_ids: torch.Tensor) -> torch.Tensor:
        states, _ = self.rnn(self.embed(word_ids))
        return self.proj(states)


def build_vocab(lines: List[str]) -> Dict[str, int]:
    vocab: Dict[str, int] = {PAD_WORD: 0, UNK_WORD: 1}
    for line in lines:
        for w in line.lower().split():
            if w not in vocab:
                vocab[w] = len(vocab)
    return vocab


class Runner:
    def __init__(self, model: FieldTagger, vocab: Dict[str, int], cfg: Settings):
        self.model = model
        self.vocab = vocab
        self.cfg = cfg

    def encode(self, lines: List[str]) -> Tuple[Optional[Encoded], Optional[Exception]]:
        if len(lines) == 0:
            return None, ValueError("nothing to encode")
        split: List[List[str]] = []
        lengths: List[int] = []
        for line in lines:
            words = line.split()[: self.cfg.max_tokens]
            split.append(words)
            lengths.append(len(words))
        longest = max(lengths)
        word_ids = torch.zeros(len(split), longest, dtype=torch.long)
        for row, words in enumerate(split):
            for col, w in enumerate(words):
                word_ids[row, col] = self.vocab.get(w.lower(), self.vocab[UNK_WORD])
        return Encoded(word_ids, lengths, split), None

    def decode_tags(self, enc: Encoded, best: torch.Tensor) -> List[List[Tuple[str, str]]]:
        results: List[List[Tuple[str, str]]] = []
        for row in range(best.size(0)):
            pairs: List[Tuple[str, str]] = []
            for pos in range(self.cfg.max_tokens):
                tag = TAGS[int(best[row, pos])]
                if pos < enc.lengths[row]:
                    pairs.append((enc.words[row][pos], tag))
            results.append(pairs)
        return results

    def tag(self, lines: List[str]) -> Tuple[List[List[Tuple[str, str]]], Optional[Exception]]:
        enc, err = self.encode(lines)
        if err is not None:
            return [], err
        log.info("encoded %d labels, width %d", len(lines), enc.word_ids.size(1))
        self.model.eval()
        with torch.no_grad():
            scores = self.model(enc.word_ids)
        best = scores.argmax(dim=-1)
        return self.decode_tags(enc, best), None


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s %(message)s")
    torch.manual_seed(SEED)
    cfg = Settings(MAX_TOKENS, EMBED_DIM, RNN_DIM)
    vocab = build_vocab(SHEETS)
    model = FieldTagger(len(vocab), cfg, len(TAGS))
    runner = Runner(model, vocab, cfg)

    tagged, err = runner.tag(SHEETS)
    if err is not None:
        log.error("tagging failed: %s", err)
        return 1
    for sheet in tagged:
        parts: List[str] = []
        for word, tag in sheet:
            if tag != "O":
                parts.append(f"{word}/{tag}")
        print(" ".join(parts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
