"""Flag hives that need requeening from structured inspection notes.

Each inspection note has separate sections (colony, brood, treatment); each
section gets its own segment embedding, the way sentence pairs do in BERT.
"""
import os
import random
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Dict, List

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


@dataclass(frozen=True)
class Inspection:
    hive: str
    colony: str
    brood: str
    treatment: str
    requeen: int


NOTES = [
    Inspection("H01", "calm strong colony", "solid brood pattern eggs seen", "none", 0),
    Inspection("H02", "defensive loud colony", "spotty brood no eggs", "oxalic dribble", 1),
    Inspection("H03", "queen seen marked", "capped brood good", "none", 0),
    Inspection("H04", "queenless roar", "drone laying cells", "formic strips", 1),
    Inspection("H05", "calm colony", "eggs and larvae present", "thymol", 0),
    Inspection("H06", "supersedure cells present", "patchy brood", "none", 1),
]


@dataclass
class NoteLayout:
    sections: List[str] = field(default_factory=lambda: ["colony", "brood", "treatment"])
    max_len: int = 40
    section_of: Dict[str, int] = field(init=False)

    def __post_init__(self):
        self.section_of = {name: i for i, name in enumerate(self.sections)}


@dataclass(frozen=True)
class BertDims:
    vocab_size: int
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 64
    type_vocab_size: int = 2
    num_labels: int = 2


def build_vocab(notes: List[Inspection], layout: NoteLayout) -> str:
    words = set()
    for note in notes:
        for sec in layout.sections:
            words.update(getattr(note, sec).split())
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words):
            fh.write(tok + "\n")
    return path


def encode_note(note: Inspection, tok: BertTokenizer, layout: NoteLayout):
    ids, segs = [tok.cls_token_id], [0]
    for sec in layout.sections:
        pieces = tok.convert_tokens_to_ids(tok.tokenize(getattr(note, sec))) + [tok.sep_token_id]
        ids += pieces
        segs += [layout.section_of[sec]] * len(pieces)
    ids, segs = ids[: layout.max_len], segs[: layout.max_len]
    pad = layout.max_len - len(ids)
    return ids + [tok.pad_token_id] * pad, segs + [0] * pad, [1] * len(ids) + [0] * pad


def collate(notes: List[Inspection], tok: BertTokenizer, layout: NoteLayout):
    cols = [encode_note(n, tok, layout) for n in notes]
    return {
        "input_ids": torch.tensor([c[0] for c in cols]),
        "token_type_ids": torch.tensor([c[1] for c in cols]),
        "attention_mask": torch.tensor([c[2] for c in cols]),
        "labels": torch.tensor([n.requeen for n in notes]),
    }


def main():
    random.seed(3)
    torch.manual_seed(3)
    layout = NoteLayout()
    tok = BertTokenizer(build_vocab(NOTES, layout))
    dims = BertDims(vocab_size=tok.vocab_size)
    print("model dims:", asdict(dims))
    model = BertForSequenceClassification(BertConfig(**asdict(dims)))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(4):
        order = random.sample(NOTES, len(NOTES))
        running = 0.0
        for i in range(0, len(order), 2):
            batch = collate(order[i:i + 2], tok, layout)
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running:.4f}")

    model.eval()
    with torch.no_grad():
        probs = model(**{k: v for k, v in collate(NOTES, tok, layout).items() if k != "labels"}).logits.softmax(-1)
    for note, p in zip(NOTES, probs[:, 1].tolist()):
        print(f"{note.hive}: requeen p={p:.2f} (actual {note.requeen})")


if __name__ == "__main__":
    main()
