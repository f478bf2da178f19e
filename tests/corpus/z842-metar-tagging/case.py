"""Tag the groups of METAR aviation weather reports (station, time, wind, visibility, cloud, temp).

A tiny BERT encoder with a per-token head, trained with Lightning. Data prep, model
construction and metric logging hang off a small event bus.
"""
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)


class EventBus:
    def __init__(self):
        self.listeners = defaultdict(list)

    def subscribe(self, name, fn):
        self.listeners[name].append(fn)

    def emit(self, name, **payload):
        for fn in self.listeners[name]:
            fn(**payload)


bus = EventBus()

GROUP_TAGS = ["STATION", "TIME", "WIND", "VIS", "CLOUD", "TEMP"]
REPORTS = [
    "egll 121150z 24015kt 9999 bkn020 12/08",
    "kjfk 121151z 31008kt 10sm few250 03/m05",
    "lfpg 121200z 20012kt 6000 ovc008 09/07",
    "rjtt 121200z 35005kt 9999 sct030 15/04",
    "eddf 121150z 27018g28kt 8000 bkn015 07/05",
    "yssy 121200z 16010kt 9999 few040 22/14",
    "cyyz 121200z 29020kt 15sm ovc035 m02/m09",
    "zbaa 121200z 33006kt 5000 nsc 01/m12",
]


@dataclass
class MetarCollator:
    tok: BertTokenizer
    pad_to: int = 20

    def __call__(self, items):
        ids, attn, tags = [], [], []
        for report in items:
            piece_ids, piece_tags = [self.tok.cls_token_id], [-100]
            for group_idx, group in enumerate(report.split()):
                pieces = self.tok.encode(group, add_special_tokens=False)
                piece_ids += pieces
                piece_tags += [group_idx] + [-100] * (len(pieces) - 1)
            piece_ids.append(self.tok.sep_token_id)
            piece_tags.append(-100)
            gap = self.pad_to - len(piece_ids)
            ids.append(piece_ids + [self.tok.pad_token_id] * gap)
            attn.append([1] * len(piece_tags) + [0] * gap)
            tags.append(piece_tags + [-100] * gap)
        return {"ids": torch.tensor(ids), "attn": torch.tensor(attn), "tags": torch.tensor(tags)}


class MetarTagger(L.LightningModule):
    def __init__(self, cfg, n_tags):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = torch.nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, ids, attn):
        hidden = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["ids"], batch["attn"])
        loss = F.cross_entropy(scores, batch["tags"], ignore_index=-100)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=2e-3)


class BusLogger(L.Callback):
    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        bus.emit("batch_end", idx=batch_idx, loss=float(outputs["loss"]))


def prepare(workdir):
    pieces = sorted({p for r in REPORTS for p in re.findall(r"\w+|[^\w\s]", r)})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + pieces) + "\n")
    tok = BertTokenizer(vocab_path)
    loader = DataLoader(REPORTS, batch_size=4, shuffle=True, collate_fn=MetarCollator(tok))
    print(f"prepared {len(REPORTS)} reports, vocab={tok.vocab_size}")
    bus.emit("data_ready", tok=tok, loader=loader)


def build(tok, loader):
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    bus.emit("model_ready", model=MetarTagger(cfg, len(GROUP_TAGS)), loader=loader)


def fit(model, loader):
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False, callbacks=[BusLogger()])
    trainer.fit(model, train_dataloaders=loader)
    bus.emit("fit_done")


bus.subscribe("start", prepare)
bus.subscribe("data_ready", build)
bus.subscribe("model_ready", fit)
bus.subscribe("batch_end", lambda idx, loss: print(f"  batch {idx}: loss {loss:.4f}"))
bus.subscribe("fit_done", lambda: print("training finished"))

if __name__ == "__main__":
    bus.emit("start", workdir=tempfile.mkdtemp())
