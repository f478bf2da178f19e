"""Score tide pool survey records: (site notes, species seen, field question) -> relevance."""
import logging
import os
import tempfile
from typing import List, NamedTuple, Optional, Tuple

import torch
from transformers import BertConfig, BertModel, BertTokenizer

# ---- constants -------------------------------------------------------------
SEED = 812
HIDDEN_SIZE = 32
NUM_LAYERS = 1
NUM_HEADS = 2
FFN_SIZE = 64
MAX_POSITIONS = 96
NUM_SEGMENTS = 3
SEGMENT_SITE = 0
SEGMENT_SPECIES = 1
SEGMENT_QUESTION = 2
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

SURVEYS = [
    ("rocky bench low tide north transect", "ochre sea star giant green anemone", "is the star wasting present"),
    ("sandy channel mid tide south transect", "hermit crab black turban snail", "are snails grazing the algae"),
    ("surge pool upper zone exposed rock", "gooseneck barnacle california mussel", "is the mussel bed expanding"),
    ("shaded crevice low tide east wall", "purple urchin giant green anemone", "are urchins clearing kelp"),
]

log = logging.getLogger("tidepool")


class Settings(NamedTuple):
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    num_segments: int


class Packed(NamedTuple):
    token_ids: torch.Tensor
    segment_ids: torch.Tensor
    attn: torch.Tensor


def write_vocab(records: List[Tuple[str, str, str]]) -> Tuple[str, Optional[Exception]]:
    words: List[str] = []
    for parts in records:
        for part in parts:
            for w in part.split():
                if w not in words:
                    words.append(w)
    try:
        folder = tempfile.mkdtemp(prefix="tidepool_")
        path = os.path.join(folder, "vocab.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(SPECIALS + sorted(words)) + "\n")
    except OSError as exc:
        return "", exc
    return path, None


def build_encoder(cfg: Settings, vocab_size: int) -> Tuple[Optional[BertModel], Optional[Exception]]:
    if cfg.hidden % cfg.heads != 0:
        return None, ValueError(f"hidden {cfg.hidden} not divisible by heads {cfg.heads}")
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.ffn,
        max_position_embeddings=cfg.max_positions,
        type_vocab_size=cfg.num_segments,
    )
    return BertModel(bert_cfg), None


class Runner:
    def __init__(self, encoder: BertModel, tokenizer: BertTokenizer, cfg: Settings):
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.cfg = cfg
        self.head = torch.nn.Linear(cfg.hidden, 1)

    def pack_one(self, site: str, species: str, question: str) -> Tuple[List[int], List[int]]:
        tok = self.tokenizer
        ids: List[int] = [tok.cls_token_id]
        segs: List[int] = [SEGMENT_SITE]
        for text, seg in ((site, SEGMENT_SITE), (species, SEGMENT_SPECIES), (question, SEGMENT_QUESTION)):
            piece = tok.convert_tokens_to_ids(tok.tokenize(text))
            for tid in piece + [tok.sep_token_id]:
                ids.append(tid)
                segs.append(seg)
        return ids, segs

    def pack(self, records: List[Tuple[str, str, str]]) -> Tuple[Optional[Packed], Optional[Exception]]:
        if len(records) == 0:
            return None, ValueError("empty batch")
        rows: List[Tuple[List[int], List[int]]] = []
        longest = 0
        for site, species, question in records:
            ids, segs = self.pack_one(site, species, question)
            if len(ids) > self.cfg.max_positions:
                return None, ValueError(f"record too long: {len(ids)} tokens")
            rows.append((ids, segs))
            longest = max(longest, len(ids))
        token_ids = torch.full((len(rows), longest), self.tokenizer.pad_token_id, dtype=torch.long)
        segment_ids = torch.zeros((len(rows), longest), dtype=torch.long)
        attn = torch.zeros((len(rows), longest), dtype=torch.long)
        for i, (ids, segs) in enumerate(rows):
            token_ids[i, : len(ids)] = torch.tensor(ids)
            segment_ids[i, : len(segs)] = torch.tensor(segs)
            attn[i, : len(ids)] = 1
        return Packed(token_ids, segment_ids, attn), None

    def score(self, records: List[Tuple[str, str, str]]) -> Tuple[Optional[torch.Tensor], Optional[Exception]]:
        packed, err = self.pack(records)
        if err is not None:
            return None, err
        log.info("packed batch %s", tuple(packed.token_ids.shape))
        with torch.no_grad():
            out = self.encoder(
                input_ids=packed.token_ids,
                token_type_ids=packed.segment_ids,
                attention_mask=packed.attn,
            )
            scores = self.head(out.pooler_output).squeeze(-1)
        return scores, None


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    torch.manual_seed(SEED)
    cfg = Settings(HIDDEN_SIZE, NUM_LAYERS, NUM_HEADS, FFN_SIZE, MAX_POSITIONS, NUM_SEGMENTS)

    vocab_path, err = write_vocab(SURVEYS)
    if err is not None:
        log.error("vocab: %s", err)
        return 1
    tokenizer = BertTokenizer(vocab_path)
    encoder, err = build_encoder(cfg, tokenizer.vocab_size)
    if err is not None:
        log.error("encoder: %s", err)
        return 1
    encoder.eval()

    runner = Runner(encoder, tokenizer, cfg)
    scores, err = runner.score(SURVEYS)
    if err is not None:
        log.error("score: %s", err)
        return 1
    for (site, _, question), s in zip(SURVEYS, scores.tolist()):
        print(f"{s:+.4f}  {site!r} :: {question!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
