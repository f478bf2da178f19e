"""Insurance claim fraud-flag model: claim text + policy clause + adjuster note as one BERT input.

Each part gets its own segment id so the encoder can tell them apart.
"""
import os
import tempfile
from typing import TypedDict

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class HParams(TypedDict):
    seed: int
    lr: float
    batch_size: int
    hidden: int
    max_positions: int


HP: HParams = {"seed": 3, "lr": 2e-4, "batch_size": 3, "hidden": 32, "max_positions": 96}

SEGMENT_FIELDS = ("claim", "clause", "adjuster")

CLAIMS = [
    {"claim": "rear bumper damage in parking lot", "clause": "collision cover applies",
     "adjuster": "photos match report", "flag": 0},
    {"claim": "laptop stolen from locked car", "clause": "theft cover excludes unattended vehicles",
     "adjuster": "no police report filed", "flag": 1},
    {"claim": "water leak ruined kitchen floor", "clause": "sudden escape of water covered",
     "adjuster": "plumber invoice attached", "flag": 0},
    {"claim": "second windscreen claim this month", "clause": "glass cover limit one per year",
     "adjuster": "same garage as last claim", "flag": 1},
    {"claim": "hail dents on roof of car", "clause": "storm damage covered",
     "adjuster": "weather records confirm hail", "flag": 0},
    {"claim": "jewellery lost on holiday", "clause": "personal items cover abroad",
     "adjuster": "receipts dated after trip", "flag": 1},
    {"claim": "", "clause": "", "adjuster": "", "flag": 0},  # empty export rows, skip
]


def write_vocab(records):
    words = sorted({w for r in records for f in SEGMENT_FIELDS for w in r[f].split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def encode_claim(record, tok):
    """[CLS] claim [SEP] clause [SEP] adjuster [SEP] with one segment id per part."""
    ids, segs = [tok.cls_token_id], [0]
    for seg_no, field in enumerate(SEGMENT_FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(record[field])) + [tok.sep_token_id]
        ids.extend(piece)
        segs.extend([seg_no] * len(piece))
    return {"ids": ids, "segs": segs, "flag": record["flag"]}


def collate_claims(rows, pad_id=0):
    width = max(len(r["ids"]) for r in rows)
    tokens = torch.full((len(rows), width), pad_id, dtype=torch.long)
    segments = torch.zeros((len(rows), width), dtype=torch.long)
    keep = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r["ids"])
        tokens[i, :n] = torch.tensor(r["ids"])
        segments[i, :n] = torch.tensor(r["segs"])
        keep[i, :n] = 1
    return tokens, segments, keep, torch.tensor([r["flag"] for r in rows], dtype=torch.float)


class FraudFlagger(L.LightningModule):
    def __init__(self, encoder_cfg, lr):
        super().__init__()
        self.encoder = BertModel(encoder_cfg, add_pooling_layer=False)
        self.head = nn.Linear(encoder_cfg.hidden_size, 1)
        self.lr = lr
        self.loss_fn = nn.BCEWithLogitsLoss()

    def forward(self, tokens, segments, keep):
        hidden = self.encoder(input_ids=tokens, token_type_ids=segments, attention_mask=keep).last_hidden_state
        return self.head(hidden[:, 0]).squeeze(-1)

    def training_step(self, batch, batch_idx):
        tokens, segments, keep, flags = batch
        loss = self.loss_fn(self(tokens, segments, keep), flags)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def make_everything():
    # TODO: load claims from the warehouse instead of this inline sample
    records = list(filter(lambda r: any(r[f].strip() for f in SEGMENT_FIELDS), CLAIMS))
    tok = BertTokenizer(write_vocab(records))
    encoder_cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=HP["hidden"],
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=HP["hidden"] * 2,
        max_position_embeddings=HP["max_positions"],
    )
    model = FraudFlagger(encoder_cfg, HP["lr"])
    encoded = list(map(lambda r: encode_claim(r, tok), records))
    # TODO: real train/val split by policy id
    datasets = (encoded, encoded[-2:])
    return model, tok, datasets, collate_claims


def main():
    L.seed_everything(HP["seed"])
    model, tok, (train_rows, val_rows), collator = make_everything()
    print(f"{len(train_rows)} claims, vocab {len(tok)}")
    loader = DataLoader(train_rows, batch_size=HP["batch_size"], shuffle=True, collate_fn=collator)
    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
    )
    trainer.fit(model, loader)
    model.eval()
    with torch.no_grad():
        tokens, segments, keep, flags = collator(val_rows)
        probs = torch.sigmoid(model(tokens, segments, keep))
    print("val probs:", probs.tolist(), "truth:", flags.tolist())


if __name__ == "__main__":
    main()
