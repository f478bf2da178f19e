"""Embed tide-gauge maintenance tickets with a small BERT encoder and flag likely duplicates.

Each ticket is packed as several segments (the technician's text, the station
record, and the sensor metadata); segment ids tell the encoder which is which.
"""
import enum
import os
import tempfile
from typing import List, NamedTuple, TypedDict

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)


class Segment(enum.IntEnum):
    TICKET = 0
    STATION = 1
    # sensor metadata block was added when the radar gauges came online
    SENSOR = 2


class EncoderSettings(NamedTuple):
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    max_positions: int = 64
    type_vocab_size: int = 2


class PackedBatch(TypedDict):
    input_ids: torch.Tensor
    token_type_ids: torch.Tensor
    attention_mask: torch.Tensor


TICKETS = [
    {"text": "stilling well silted up readings flat since tuesday",
     "station": "harbour north pier", "sensor": "float encoder"},
    {"text": "readings flat since tuesday well appears silted",
     "station": "harbour north pier", "sensor": "float encoder"},
    {"text": "radar head fogged intermittent spikes at high water",
     "station": "estuary bridge", "sensor": "radar level"},
    {"text": "solar panel cracked logger rebooting overnight",
     "station": "outer breakwater", "sensor": "pressure transducer"},
]


def make_tokenizer() -> BertTokenizer:
    words = set()
    for t in TICKETS:
        for field in ("text", "station", "sensor"):
            words.update(t[field].split())
    folder = tempfile.mkdtemp(prefix="tide_vocab_")
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(words)]:
            fh.write(tok + "\n")
    return BertTokenizer(vocab_path)


def pack_ticket(tok: BertTokenizer, ticket: dict) -> tuple[List[int], List[int]]:
    ids = [tok.cls_token_id]
    types = [int(Segment.TICKET)]
    parts = [(Segment.TICKET, ticket["text"]),
             (Segment.STATION, ticket["station"]),
             (Segment.SENSOR, ticket["sensor"])]
    for seg, text in parts:
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids.extend(piece)
        types.extend([seg.value] * len(piece))
    return ids, types


def collate(tok: BertTokenizer, tickets: List[dict]) -> PackedBatch:
    packed = [pack_ticket(tok, t) for t in tickets]
    width = max(len(ids) for ids, _ in packed)
    id_rows, type_rows, att_rows = [], [], []
    for ids, types in packed:
        gap = width - len(ids)
        id_rows.append(ids + [tok.pad_token_id] * gap)
        type_rows.append(types + [0] * gap)
        att_rows.append([1] * len(ids) + [0] * gap)
    return PackedBatch(
        input_ids=torch.tensor(id_rows),
        token_type_ids=torch.tensor(type_rows),
        attention_mask=torch.tensor(att_rows),
    )


def build_encoder(vocab_size: int, cfg: EncoderSettings) -> BertModel:
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.hidden * 2,
        max_position_embeddings=cfg.max_positions,
        type_vocab_size=cfg.type_vocab_size,
    )
    return BertModel(config).eval()


def mean_pool(hidden: torch.Tensor, att: torch.Tensor) -> torch.Tensor:
    weights = att.unsqueeze(-1).float()
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


def main():
    cfg = EncoderSettings()
    tok = make_tokenizer()
    encoder = build_encoder(len(tok), cfg)
    batch = collate(tok, TICKETS)
    print(f"packed {batch['input_ids'].shape[0]} tickets, width {batch['input_ids'].shape[1]}")

    with torch.no_grad():
        hidden = encoder(**batch).last_hidden_state
    vecs = F.normalize(mean_pool(hidden, batch["attention_mask"]), dim=-1)
    sims = vecs @ vecs.T

    threshold = 0.9
    for i in range(len(TICKETS)):
        for j in range(i + 1, len(TICKETS)):
            flag = "DUP?" if sims[i, j] > threshold else ""
            print(f"ticket {i} vs {j}: {sims[i, j]:.3f} {flag}")


if __name__ == "__main__":
    main()
