"""Flag prescriptions whose directions (sig) look inconsistent with the drug.

Each prescription is encoded as several segments packed into one sequence,
[CLS] drug [SEP] indication [SEP] ..., with one token type per segment.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

RX = [
    {"drug": "metformin 500 mg tablet", "indication": "type 2 diabetes",
     "sig": "take one tablet by mouth twice daily with meals", "flag": 0},
    {"drug": "warfarin 5 mg tablet", "indication": "atrial fibrillation",
     "sig": "take two tablets every four hours as needed", "flag": 1},
    {"drug": "amoxicillin 500 mg capsule", "indication": "otitis media",
     "sig": "take one capsule by mouth three times daily for ten days", "flag": 0},
    {"drug": "methotrexate 2.5 mg tablet", "indication": "rheumatoid arthritis",
     "sig": "take one tablet by mouth daily", "flag": 1},
]


class RxConfig:
    __slots__ = ("segments", "hidden_size", "num_heads", "type_vocab_size", "max_positions", "dropout")

    def __init__(self, segments, hidden_size=32, num_heads=2, type_vocab_size=2, max_positions=64, dropout=0.1):
        self.segments = tuple(segments)
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.type_vocab_size = type_vocab_size
        self.max_positions = max_positions
        self.dropout = dropout

    @classmethod
    def from_dict(cls, d):
        return cls(**{k: d[k] for k in cls.__slots__ if k in d})

    @classmethod
    def for_task(cls, task):
        if task == "sig_check":
            return cls.from_dict({"segments": ["drug", "indication", "sig"]})
        return cls.from_dict({"segments": ["drug", "indication"]})

    @property
    def num_segments(self):
        return len(self.segments)


class SigChecker(nn.Module):
    def __init__(self, bert_cfg, dropout):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.drop = nn.Dropout(dropout)
        self.score = nn.Linear(bert_cfg.hidden_size, 1)

    @classmethod
    def from_config(cls, cfg, vocab_size):
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden_size,
            num_hidden_layers=1,
            num_attention_heads=cfg.num_heads,
            intermediate_size=cfg.hidden_size * 2,
            max_position_embeddings=cfg.max_positions,
            type_vocab_size=cfg.num_segments,
        )
        return cls(bert_cfg, cfg.dropout)

    def forward(self, **batch):
        pooled = self.bert(**batch).pooler_output
        return self.score(self.drop(pooled)).squeeze(-1)


class SegmentPacker:
    __slots__ = ("tok", "segments")

    def __init__(self, tok, segments):
        self.tok = tok
        self.segments = segments

    @staticmethod
    def pad_to(seq, width, value):
        return seq + [value] * (width - len(seq))

    def pack_one(self, record):
        ids, types = [self.tok.cls_token_id], [0]
        for seg_idx, name in enumerate(self.segments):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(record[name]))
            piece.append(self.tok.sep_token_id)
            ids += piece
            types += [seg_idx] * len(piece)
        return ids, types

    def __call__(self, records):
        packed = [self.pack_one(r) for r in records]
        width = max(len(ids) for ids, _ in packed)
        return {
            "input_ids": torch.tensor([self.pad_to(i, width, self.tok.pad_token_id) for i, _ in packed]),
            "token_type_ids": torch.tensor([self.pad_to(t, width, 0) for _, t in packed]),
            "attention_mask": torch.tensor([self.pad_to([1] * len(i), width, 0) for i, _ in packed]),
        }


def build_tokenizer(records, fields):
    words = sorted({w for r in records for f in fields for w in r[f].lower().split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab))
    return BertTokenizer(path)


def main():
    cfg = RxConfig.for_task("sig_check")
    tok = build_tokenizer(RX, cfg.segments)
    collate = SegmentPacker(tok, cfg.segments)
    print(f"segments: {cfg.segments}, vocab: {len(tok)}")

    model = SigChecker.from_config(cfg, len(tok))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    target = torch.tensor([r["flag"] for r in RX], dtype=torch.float)

    for epoch in range(3):
        batch = collate(RX)
        out = model(**batch)
        loss = nn.functional.binary_cross_entropy_with_logits(out, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: bce={loss.item():.4f} width={batch['input_ids'].shape[1]}")

    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(**collate(RX)))
    for r, p in zip(RX, probs.tolist()):
        print(f"{r['drug']:<30} flag_prob={p:.3f}")


if __name__ == "__main__":
    main()
