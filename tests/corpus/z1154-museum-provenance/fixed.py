"""Flag museum acquisitions whose provenance needs a closer look, using a small BERT in Lightning."""
import functools
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

RISK = {"clean": 0, "gap": 1, "flagged": 2}

RECORDS = [
    {"object": "bronze ritual vessel with green patina", "acquisition": "gift of estate 1962",
     "dealer": "documented in family inventory since 1931", "risk": "clean"},
    {"object": "limestone relief fragment of a procession", "acquisition": "purchased at auction 1998",
     "dealer": "no records before 1990", "risk": "gap"},
    {"object": "painted wooden mask with shell inlay", "acquisition": "bought from private dealer 2004",
     "dealer": "dealer later convicted of trafficking", "risk": "flagged"},
    {"object": "gold earring pair granulated", "acquisition": "bequest 1955",
     "dealer": "exhibited in 1938 catalogue", "risk": "clean"},
    {"object": "terracotta head of a youth", "acquisition": "purchased 2001",
     "dealer": "export license missing", "risk": "flagged"},
    {"object": "illuminated manuscript leaf", "acquisition": "purchased at auction 1987",
     "dealer": "ownership unknown between 1939 and 1950", "risk": "gap"},
]


def iter_records(rows):
    for row in rows:
        yield row, RISK[row["risk"]]


class SegmentEncodingMixin:
    SEGMENTS = ("text_a", "text_b")

    def encode_fields(self, row):
        tok, seg = [self.tokenizer.cls_token_id], [0]
        for seg_idx, field in enumerate(self.SEGMENTS):
            pieces = self.tokenizer.encode(row[field], add_special_tokens=False)[: self.FIELD_LEN]
            pieces.append(self.tokenizer.sep_token_id)
            tok.extend(pieces)
            seg.extend([seg_idx] * len(pieces))
        return tok, seg


class BaseModel(SegmentEncodingMixin, L.LightningModule):
    TYPE_VOCAB_SIZE = 2
    MAX_LEN = 64
    FIELD_LEN = 20
    NUM_CLASSES = 2

    def __init__(self, tokenizer, hidden=32, lr=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.tokenizer = tokenizer
        self.hidden = hidden
        self.lr = lr
        self.encoder, self.head = self.build_model()

    def build_model(self):
        cfg = BertConfig(vocab_size=self.tokenizer.vocab_size, hidden_size=self.hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=self.MAX_LEN,
                         type_vocab_size=self.TYPE_VOCAB_SIZE)
        return BertModel(cfg, add_pooling_layer=False), torch.nn.Linear(self.hidden, self.NUM_CLASSES)

    def forward(self, tok, seg, keep):
        states = self.encoder(input_ids=tok, token_type_ids=seg, attention_mask=keep).last_hidden_state
        return self.head(states[:, 0])

    def compute_loss(self, batch):
        logits = self(batch["tok"], batch["seg"], batch["keep"])
        return F.cross_entropy(logits, batch["target"])

    def training_step(self, batch, batch_idx):
        loss = self.compute_loss(batch)
        self.log("train_loss", loss, batch_size=batch["tok"].size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


class ProvenanceRiskModel(BaseModel):
    SEGMENTS = ("object", "acquisition", "dealer")
    NUM_CLASSES = len(RISK)
    FIELD_LEN = 16
    TYPE_VOCAB_SIZE = len(SEGMENTS)


def make_batch(encoded, pad_id):
    width = max(len(tok) for tok, _, _ in encoded)
    out = {"tok": [], "seg": [], "keep": [], "target": []}
    for tok, seg, y in encoded:
        fill = width - len(tok)
        out["tok"].append(tok + [pad_id] * fill)
        out["seg"].append(seg + [0] * fill)
        out["keep"].append([1] * len(tok) + [0] * fill)
        out["target"].append(y)
    return {k: torch.tensor(v) for k, v in out.items()}


def build_tokenizer(workdir):
    words = set()
    for row in RECORDS:
        for field in ("object", "acquisition", "dealer"):
            words.update(row[field].lower().split())
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(path)


if __name__ == "__main__":
    L.seed_everything(3, verbose=False)
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="prov_"))
    model = ProvenanceRiskModel(tokenizer)
    encoded = [(*model.encode_fields(row), y) for row, y in iter_records(RECORDS)]
    print(f"encoded {len(encoded)} accession records, longest {max(len(e[0]) for e in encoded)} tokens")
    loader = DataLoader(encoded, batch_size=3, shuffle=True,
                        collate_fn=functools.partial(make_batch, pad_id=tokenizer.pad_token_id))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, loader)
    print("final loss:", trainer.callback_metrics.get("train_loss"))
