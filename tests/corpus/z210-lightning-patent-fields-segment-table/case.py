import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer

HPARAMS = dict(hidden=32, layers=1, heads=2, ffn=64, max_len=48, segments=2, lr=5e-4, batch=4, steps=6)
FIELDS = ("title", "abstract", "claim")
CPC = ["A", "B", "C", "G", "H"]

PATENTS = [
    {"title": "folding chair hinge", "abstract": "a hinge lets the chair fold flat", "claim": "a chair with a hinge", "cpc": "A"},
    {"title": "toothbrush handle grip", "abstract": "a soft grip on the handle", "claim": "a handle with a grip", "cpc": "A"},
    {"title": "seed planting tray", "abstract": "a tray holds soil and seeds", "claim": "a tray with cells", "cpc": "A"},
    {"title": "conveyor belt tensioner", "abstract": "a roller keeps the belt tight", "claim": "a roller on a belt", "cpc": "B"},
    {"title": "metal press die", "abstract": "a die shapes sheet metal", "claim": "a press with a die", "cpc": "B"},
    {"title": "bicycle chain guard", "abstract": "a guard covers the chain", "claim": "a guard for a chain", "cpc": "B"},
    {"title": "polymer coating blend", "abstract": "a blend of polymer and resin", "claim": "a coating with resin", "cpc": "C"},
    {"title": "catalyst for ammonia", "abstract": "an iron catalyst makes ammonia", "claim": "a catalyst with iron", "cpc": "C"},
    {"title": "glass fibre alloy", "abstract": "fibre and alloy mixed in a melt", "claim": "an alloy with fibre", "cpc": "C"},
    {"title": "optical distance sensor", "abstract": "a laser measures the distance", "claim": "a sensor with a laser", "cpc": "G"},
    {"title": "image search index", "abstract": "an index ranks stored images", "claim": "a method to rank images", "cpc": "G"},
    {"title": "clock signal counter", "abstract": "a counter tracks the clock signal", "claim": "a counter for a signal", "cpc": "G"},
    {"title": "battery cell cooling", "abstract": "a plate cools the battery cell", "claim": "a cell with a plate", "cpc": "H"},
    {"title": "antenna array feed", "abstract": "a feed drives the antenna array", "claim": "an array with a feed", "cpc": "H"},
    {"title": "power switch circuit", "abstract": "a circuit turns the power on", "claim": "a switch in a circuit", "cpc": "H"},
    {"title": "wireless charging coil", "abstract": "a coil charges the phone", "claim": "a coil for charging", "cpc": "H"},
]


def write_vocab(folder, records):
    words = sorted({w for r in records for f in FIELDS for w in r[f].split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_record(tok, record, max_len):
    ids, seg = [tok.cls_token_id], [0]
    for field_no, field in enumerate(FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(record[field])) + [tok.sep_token_id]
        ids += piece
        seg += [field_no] * len(piece)
    ids, seg = ids[:max_len], seg[:max_len]
    pad = max_len - len(ids)
    return ids + [0] * pad, seg + [0] * pad, [1] * len(ids) + [0] * pad


class PatentData(L.LightningDataModule):
    def __init__(self, records, workdir, hp):
        super().__init__()
        self.records, self.workdir, self.hp = records, workdir, hp
        self.tok = BertTokenizer(write_vocab(workdir, records))

    def setup(self, stage=None):
        rows = [encode_record(self.tok, r, self.hp["max_len"]) for r in self.records]
        ids, seg, att = (torch.tensor(col) for col in zip(*rows))
        cls = torch.tensor([CPC.index(r["cpc"]) for r in self.records])
        self.train_set = TensorDataset(ids, seg, att, cls)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.hp["batch"], shuffle=True)


class CpcClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_classes, hp):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=hp["hidden"],
            num_hidden_layers=hp["layers"],
            num_attention_heads=hp["heads"],
            intermediate_size=hp["ffn"],
            max_position_embeddings=hp["max_len"],
            type_vocab_size=hp["segments"],
        )
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(hp["hidden"], n_classes)
        self.crit = nn.CrossEntropyLoss()

    def forward(self, ids, seg, att):
        out = self.encoder(input_ids=ids, token_type_ids=seg, attention_mask=att)
        return self.head(out.last_hidden_state[:, 0])

    def training_step(self, batch, batch_idx):
        ids, seg, att, cls = batch
        loss = self.crit(self(ids, seg, att), cls)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.hp["lr"])


if __name__ == "__main__":
    L.seed_everything(11)
    with tempfile.TemporaryDirectory() as workdir:
        data = PatentData(PATENTS, workdir, HPARAMS)
        model = CpcClassifier(len(data.tok), len(CPC), HPARAMS)
        trainer = L.Trainer(max_steps=HPARAMS["steps"], accelerator="cpu", logger=False,
                            enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
        trainer.fit(model, datamodule=data)
        print("final loss", float(trainer.callback_metrics["train_loss"]))
