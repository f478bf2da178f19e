"""Urgency scoring for church-organ restoration ledger entries.

Each ledger line has three parts: the rank/pipe it refers to, the defect the
voicer noted, and the action proposed. We feed them as separate segments.
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

LEDGER = [
    (("principal 8 bass c", "cracked languid heavy speech", "replace languid revoice"), 2),
    (("trumpet 8 tenor g", "tongue slightly curled", "recurve tongue"), 1),
    (("flute 4 treble", "dust in feet", "clean only"), 0),
    (("mixture iii top octave", "collapsed pipes bent mouths", "remake pipes"), 2),
    (("bourdon 16 low d", "stopper leather dried", "releather stopper"), 1),
    (("gemshorn 2 middle", "slightly slow speech", "clean only"), 0),
]


@dataclass
class LedgerItem:
    parts: tuple
    urgency: int
    token_ids: list = field(default_factory=list)
    segment_ids: list = field(default_factory=list)


class BaseModel(nn.Module):
    HIDDEN = 32
    TYPE_VOCAB = 2
    POSITIONS = 64
    N_OUT = 3

    def __init__(self, vocab_size, **kwargs):
        super().__init__(**kwargs)
        self.backbone = self.build_model(vocab_size)
        self.head = nn.Linear(self.HIDDEN, self.N_OUT)

    def build_model(self, vocab_size):
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=self.HIDDEN, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=self.POSITIONS, type_vocab_size=self.TYPE_VOCAB)
        return BertModel(cfg)

    def forward(self, ids, attn, segs):
        out = self.backbone(input_ids=ids, attention_mask=attn, token_type_ids=segs)
        return self.head(out.last_hidden_state[:, 0])


class SegmentedInputMixin:
    """Puts each field of a record in its own segment: [CLS] a [SEP] b [SEP] c [SEP]."""
    SEGMENTS = ("pipe", "defect", "action")

    def encode(self, tokenizer, item):
        ids, segs = [tokenizer.cls_token_id], [0]
        for seg_no, (name, text) in enumerate(zip(self.SEGMENTS, item.parts)):
            piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
            ids.extend(piece)
            segs.extend([seg_no] * len(piece))
        item.token_ids, item.segment_ids = ids, segs
        return item


class PipeworkUrgencyModel(SegmentedInputMixin, BaseModel):
    HIDDEN = 48

    def __init__(self, vocab_size, dropout=0.1, **kwargs):
        super().__init__(vocab_size, **kwargs)
        self.head = nn.Sequential(nn.Dropout(dropout), self.head)


def write_vocab(rows):
    words = sorted({w for parts, _ in rows for p in parts for w in p.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def collate(items, pad_id):
    width = max(len(it.token_ids) for it in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    segs = torch.zeros((len(items), width), dtype=torch.long)
    attn = torch.zeros((len(items), width), dtype=torch.long)
    for row, it in enumerate(items):
        n = len(it.token_ids)
        ids[row, :n] = torch.tensor(it.token_ids)
        segs[row, :n] = torch.tensor(it.segment_ids)
        attn[row, :n] = 1
    target = torch.tensor([it.urgency for it in items])
    return ids, attn, segs, target


def main():
    torch.manual_seed(3)
    tok = BertTokenizer(write_vocab(LEDGER))
    model = PipeworkUrgencyModel(tok.vocab_size)
    items = [model.encode(tok, LedgerItem(parts, y)) for parts, y in LEDGER]
    print(f"{len(items)} ledger items, vocab {tok.vocab_size}, longest {max(len(i.token_ids) for i in items)} tokens")

    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(4):
        epoch_loss = 0.0
        for start in range(0, len(items), 2):
            ids, attn, segs, target = collate(items[start:start + 2], tok.pad_token_id)
            logits = model(ids, attn, segs)
            loss = loss_fn(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss {epoch_loss / 3:.4f}")

    model.eval()
    with torch.no_grad():
        ids, attn, segs, _ = collate(items, tok.pad_token_id)
        print("predicted urgency:", model(ids, attn, segs).argmax(-1).tolist())


if __name__ == "__main__":
    main()
