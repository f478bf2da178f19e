"""Score whether a prior-art passage anticipates a patent claim (claim / prior art / examiner note)."""
import functools
import os
import tempfile
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertModel, BertTokenizer

DATASETS, MODELS = {}, {}


def register(name, table=None):
    def deco(obj):
        (table if table is not None else MODELS)[name] = obj
        return obj
    return deco


def build(kind, name, **kw):
    registry = DATASETS if kind == "dataset" else MODELS
    print(f"[build] {kind}:{name} {sorted(kw)}")
    return registry[name](**kw)


# ---- data.py ----
SEGMENTS = ("claim", "prior_art", "examiner_note")


@dataclass
class Triple:
    claim: str
    prior_art: str
    examiner_note: str
    anticipated: int


RAW = [
    Triple("a hinge comprising a spring loaded pin", "door hinge with biased pin retained by spring", "same elements", 1),
    Triple("a battery pack with liquid cooling plates", "air cooled cell housing with fans", "cooling medium differs", 0),
    Triple("a drone landing gear that folds upward", "retractable landing legs folding toward fuselage", "folding direction matches", 1),
    Triple("a syringe with a dose locking collar", "syringe barrel with printed graduations", "no locking element", 0),
    Triple("a bicycle chain tensioner using a magnet", "magnetic tensioner for roller chain", "identical mechanism", 1),
    Triple("a solar panel mount with tilt tracking", "fixed rooftop rail for panels", "no tracking disclosed", 0),
]


def write_vocab(rows):
    words = sorted({w for r in rows for s in SEGMENTS for w in getattr(r, s).split()})
    path = os.path.join(tempfile.mkdtemp(prefix="patent_vocab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def encode_triple(tok, triple):
    """Pack a triple as [CLS] claim [SEP] prior art [SEP] note [SEP]."""
    ids, seg = [tok.cls_token_id], [0]
    for k, field in enumerate(SEGMENTS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(getattr(triple, field))) + [tok.sep_token_id]
        ids += piece
        seg += [k] * len(piece)
    return ids, seg


def collate(batch, tok):
    encoded = [encode_triple(tok, t) for t in batch]
    width = max(len(ids) for ids, _ in encoded)
    ids_out = torch.full((len(batch), width), tok.pad_token_id, dtype=torch.long)
    seg_out = torch.zeros((len(batch), width), dtype=torch.long)
    attn = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, seg) in enumerate(encoded):
        ids_out[row, :len(ids)] = torch.tensor(ids)
        seg_out[row, :len(seg)] = torch.tensor(seg)
        attn[row, :len(ids)] = 1
    target = torch.tensor([t.anticipated for t in batch], dtype=torch.float)
    return {"input_ids": ids_out, "token_type_ids": seg_out, "attention_mask": attn}, target


register("patent-triples", DATASETS)(lambda: list(RAW))


# ---- model.py ----
@register("anticipation-scorer")
class AnticipationScorer(nn.Module):
    def __init__(self, vocab_size, hidden=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                         type_vocab_size=len(SEGMENTS))
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.score = nn.Linear(hidden, 1)

    def forward(self, **enc):
        cls_vec = self.encoder(**enc).last_hidden_state[:, 0]
        return self.score(cls_vec).squeeze(-1)


# ---- train.py ----
def main():
    set_seed(11)
    accelerator = Accelerator(cpu=True)
    rows = build("dataset", "patent-triples")
    tok = BertTokenizer(write_vocab(rows))

    loader = DataLoader(rows, batch_size=3, shuffle=True, collate_fn=functools.partial(collate, tok=tok))
    model = build("model", "anticipation-scorer", vocab_size=len(tok))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(3):
        model.train()
        running = 0.0
        for enc, target in loader:
            logits = model(**enc)
            loss = loss_fn(logits, target)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        enc, target = next(iter(loader))
        probs = torch.sigmoid(model(**enc))
    accelerator.print("probs:", [round(p, 3) for p in probs.tolist()], "gold:", target.tolist())


if __name__ == "__main__":
    main()
