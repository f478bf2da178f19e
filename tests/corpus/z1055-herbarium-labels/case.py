"""Embed transcribed herbarium sheet labels and find likely duplicate specimens.

Labels are long and rambling, so each is split into windows of wordpieces,
every window is encoded with a small BERT, and the window vectors are averaged.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

SHEETS = {
    "K-001": "quercus robur collected on chalk downland near the old drove road by the vicar "
             "in flower with young leaves, sheet mounted on card, label partly faded, "
             "second hand annotation gives altitude and notes oak galls on lower branches "
             "det. by the curator in a later hand with pencil query on the variety",
    "K-002": "quercus robur from chalk downland beside the drove road, young leaves and catkins, "
             "label faded, annotation on altitude and galls, curator det. in pencil",
    "E-417": "sphagnum moss gathered from raised bog margin after heavy rain, packet attached, "
             "collector notes water table and heather cover, no determination given",
    "E-418": "carex sedge on wet flush below the bog margin with heather nearby, "
             "packet of seed attached, collector notes water table, det. pending",
}


class PieceVocab:
    __slots__ = ("tokens",)
    SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    def __init__(self, tokens):
        self.tokens = self.SPECIALS + sorted(set(tokens))

    @classmethod
    def from_texts(cls, texts):
        return cls(w.strip(".,") for t in texts for w in t.split() if w.strip(".,"))

    def __len__(self):
        return len(self.tokens)

    def write(self, folder):
        path = os.path.join(folder, "vocab.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(tok + "\n" for tok in self.tokens)
        return path


class Windower:
    """Cuts a wordpiece sequence into consecutive windows the encoder can take."""

    __slots__ = ("span", "stride")

    def __init__(self, span, stride):
        self.span, self.stride = span, stride

    @classmethod
    def from_config(cls, config, overlap=8):
        span = config.max_position_embeddings
        return cls(span=span, stride=span - overlap)

    def __call__(self, piece_ids):
        start = 0
        while True:
            yield piece_ids[start:start + self.span]
            if start + self.span >= len(piece_ids):
                break
            start += self.stride


class SheetEncoder:
    __slots__ = ("tok", "model", "windows")

    def __init__(self, tok, model):
        self.tok, self.model = tok, model
        self.windows = Windower.from_config(model.config)

    @property
    def dim(self):
        return self.model.config.hidden_size

    @torch.no_grad()
    def __call__(self, text):
        pieces = self.tok.convert_tokens_to_ids(self.tok.tokenize(text))
        vecs = []
        for chunk in self.windows(pieces):
            ids = torch.tensor([[self.tok.cls_token_id, *chunk, self.tok.sep_token_id]])
            hidden = self.model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            vecs.append(hidden[0, 0])
        return torch.stack(vecs).mean(0)


def main():
    vocab = PieceVocab.from_texts(SHEETS.values())
    tok = BertTokenizer(vocab.write(tempfile.mkdtemp()))
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=40)
    model = BertModel(config).eval()
    encoder = SheetEncoder(tok, model)
    print(f"vocab {len(vocab)}, window span {encoder.windows.span}, dim {encoder.dim}")

    ids = list(SHEETS)
    table = torch.stack([encoder(SHEETS[k]) for k in ids])
    sims = torch.nn.functional.cosine_similarity(table[:, None], table[None], dim=-1)
    sims.fill_diagonal_(-1.0)
    for row, sheet in enumerate(ids):
        best = sims[row].argmax().item()
        print(f"{sheet}: closest {ids[best]} ({sims[row, best]:.3f})")


if __name__ == "__main__":
    main()
