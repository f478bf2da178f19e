"""Route museum object labels (title / body / credit footer) to a curatorial department."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

DEPARTMENTS = ["textiles", "ceramics", "metalwork"]

RECORDS = [
    (("silk robe", "embroidered silk with gold thread cranes", "gift of the estate"), "textiles"),
    (("tea bowl", "stoneware with ash glaze and kiln marks", "museum purchase fund"), "ceramics"),
    (("ceremonial dagger", "bronze blade with silver inlay", "bequest of a collector"), "metalwork"),
    (("wool tapestry", "woven wool depicting a hunt", "museum purchase fund"), "textiles"),
    (("storage jar", "earthenware with painted glaze", "gift of the estate"), "ceramics"),
    (("candle stand", "cast bronze with engraved silver", "bequest of a collector"), "metalwork"),
]


class Base:
    N_TYPES = 2
    HIDDEN = 32
    MAX_LEN = 32

    def __init__(self):
        self.tokenizer = BertTokenizer(self.write_vocab())
        self.model = BertForSequenceClassification(self.build())

    def write_vocab(self):
        words = sorted({w for rec, _ in RECORDS for field in rec for w in field.split()})
        path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
        with open(path, "w") as f:
            f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
        self.vocab_size = len(words) + 5
        return path

    def build(self):
        return BertConfig(
            vocab_size=self.vocab_size,
            hidden_size=self.HIDDEN,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=self.MAX_LEN,
            type_vocab_size=self.N_TYPES,
            num_labels=len(DEPARTMENTS),
        )

    def pad(self, rows):
        width = max(len(r) for r in rows)
        return torch.tensor([r + [0] * (width - len(r)) for r in rows])


class ThreeFieldMixin:
    FIELDS = ("title", "body", "footer")

    def encode(self, rec):
        ids, types = [self.tokenizer.cls_token_id], [0]
        for k, (name, text) in enumerate(zip(self.FIELDS, rec)):
            piece = self.tokenizer.encode(text, add_special_tokens=False) + [self.tokenizer.sep_token_id]
            ids += piece
            types += [k] * len(piece)
        return ids, types


class Job(ThreeFieldMixin, Base):
    def run(self, epochs=4):
        encoded = [self.encode(rec) for rec, _ in RECORDS]
        input_ids = self.pad([e[0] for e in encoded])
        token_type_ids = self.pad([e[1] for e in encoded])
        attention_mask = (input_ids != 0).long()
        labels = torch.tensor([DEPARTMENTS.index(d) for _, d in RECORDS])
        print(f"fields {self.FIELDS}, batch {tuple(input_ids.shape)}")
        opt = torch.optim.AdamW(self.model.parameters(), lr=1e-3)
        for epoch in range(epochs):
            out = self.model(input_ids=input_ids, token_type_ids=token_type_ids,
                             attention_mask=attention_mask, labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            print(f"epoch {epoch}  loss {out.loss.item():.4f}")


if __name__ == "__main__":
    Job().run()
