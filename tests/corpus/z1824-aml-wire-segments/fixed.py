"""Screen SWIFT-style wire narratives for AML review with a tiny BERT encoder.

Each wire has three free-text parts (originator, beneficiary, intermediary bank
remarks).  They are packed into one sequence, and each part gets its own
segment id so the encoder can tell whose text it is reading.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

WIRE_FIELDS = ["originator", "beneficiary", "intermediary"]
MAX_WIRE_TOKENS = 48

WIRES = [
    {"originator": "acme trading llc payment invoice 4471",
     "beneficiary": "golden sands holdings offshore account",
     "intermediary": "correspondent bank cover transfer urgent",
     "flag": 1},
    {"originator": "john smith monthly rent",
     "beneficiary": "maple property management",
     "intermediary": "domestic clearing",
     "flag": 0},
    {"originator": "northwind imports supplier settlement",
     "beneficiary": "northwind gmbh invoice 9921",
     "intermediary": "domestic clearing",
     "flag": 0},
    {"originator": "shell company consulting fee",
     "beneficiary": "golden sands holdings cash",
     "intermediary": "correspondent bank split transfer urgent",
     "flag": 1},
]


def write_vocab(folder):
    words = set()
    for w in WIRES:
        for f in WIRE_FIELDS:
            words.update(w[f].split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "wire_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def pack_wire(tokenizer, wire):
    """[CLS] originator [SEP] beneficiary [SEP] intermediary [SEP], one segment per field."""
    piece_ids = [tokenizer.cls_token_id]
    segment_ids = [0]
    for seg_no, field in enumerate(WIRE_FIELDS):
        ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(wire[field]))
        ids = ids + [tokenizer.sep_token_id]
        piece_ids.extend(ids)
        segment_ids.extend([seg_no] * len(ids))
    piece_ids = piece_ids[:MAX_WIRE_TOKENS]
    segment_ids = segment_ids[:MAX_WIRE_TOKENS]
    return piece_ids, segment_ids


def collate(tokenizer, wires):
    packed = [pack_wire(tokenizer, w) for w in wires]
    width = max(len(p) for p, _ in packed)
    pieces = torch.full((len(wires), width), tokenizer.pad_token_id, dtype=torch.long)
    segments = torch.zeros((len(wires), width), dtype=torch.long)
    attn = torch.zeros((len(wires), width), dtype=torch.long)
    for row, (p, s) in enumerate(packed):
        pieces[row, :len(p)] = torch.tensor(p)
        segments[row, :len(s)] = torch.tensor(s)
        attn[row, :len(p)] = 1
    flags = torch.tensor([float(w["flag"]) for w in wires])
    return pieces, segments, attn, flags


class WireScreener(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.risk_head = nn.Linear(config.hidden_size, 1)

    def forward(self, pieces, segments, attn):
        out = self.encoder(input_ids=pieces, token_type_ids=segments, attention_mask=attn)
        return self.risk_head(out.pooler_output).squeeze(-1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=len(WIRE_FIELDS),
    )
    model = WireScreener(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    pieces, segments, attn, flags = collate(tokenizer, WIRES)
    print(f"batch: {tuple(pieces.shape)}, vocab={tokenizer.vocab_size}")

    model.train()
    for epoch in range(5):
        optimizer.zero_grad()
        scores = model(pieces, segments, attn)
        loss = loss_fn(scores, flags)
        loss.backward()
        optimizer.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        risk = torch.sigmoid(model(pieces, segments, attn))
    for wire, r in zip(WIRES, risk.tolist()):
        tag = "REVIEW" if r > 0.5 else "clear"
        print(f"{wire['originator'][:30]:30s} risk={r:.3f} {tag}")


if __name__ == "__main__":
    main()
