"""Route railway track maintenance work orders to the right crew with a small BERT in Lightning.

Plugins fill a shared ctx (tokenizer, dataset, model); the runner then builds the
LightningModule around whatever ended up in ctx.model.
"""
import functools
import os
import shutil
import tempfile
import types
from dataclasses import dataclass

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CREWS = ["signals", "permanent_way", "overhead_line"]


@dataclass
class WorkOrder:
    text: str
    crew: str


ORDERS = [
    WorkOrder("signal lamp out at junction twelve", "signals"),
    WorkOrder("track circuit failure reported by signaller at the down main approach to the "
              "station causing red aspect on signal forty one and delays to all services since "
              "early morning please attend with test equipment and replace the relay if the fault "
              "is traced to the location case near the level crossing", "signals"),
    WorkOrder("broken rail clip on the up line", "permanent_way"),
    WorkOrder("ballast washed out after heavy rain along the embankment near the river bridge "
              "sleepers are hanging and the line speed has been reduced to twenty until the "
              "ballast is replaced and the track is tamped back to the design level and "
              "alignment by the night shift gang", "permanent_way"),
    WorkOrder("contact wire sagging near the depot", "overhead_line"),
    WorkOrder("dropper broken on the overhead line at the station throat", "overhead_line"),
    WorkOrder("point heater not working at the north crossover", "signals"),
    WorkOrder("rail head wear on the curve needs grinding", "permanent_way"),
]


def write_vocab(folder):
    words = sorted({w for o in ORDERS for w in o.text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def collate_orders(batch, tokenizer, max_len):
    enc = tokenizer([o.text for o in batch], padding=True, truncation=True, max_length=max_len,
                    return_tensors="pt")
    enc["labels"] = torch.tensor([CREWS.index(o.crew) for o in batch])
    return dict(enc)


class TokenizerPlugin:
    def setup(self, ctx):
        ctx.tmp = tempfile.mkdtemp(prefix="rail_")
        ctx.tokenizer = BertTokenizer(write_vocab(ctx.tmp))

    def teardown(self, ctx):
        shutil.rmtree(ctx.tmp, ignore_errors=True)


class DatasetPlugin:
    def setup(self, ctx):
        ctx.dataset = list(ORDERS)
        lengths = [len(ctx.tokenizer.tokenize(o.text)) for o in ctx.dataset]
        print(f"work orders: {len(ctx.dataset)}, word pieces min/max {min(lengths)}/{max(lengths)}")

    def teardown(self, ctx):
        ctx.dataset = None


class ModelPlugin:
    def __init__(self, max_positions):
        self.max_positions = max_positions

    def setup(self, ctx):
        config = BertConfig(vocab_size=len(ctx.tokenizer), hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=self.max_positions, num_labels=len(CREWS))
        ctx.model = BertForSequenceClassification(config)

    def teardown(self, ctx):
        ctx.model = None


class CrewRouter(L.LightningModule):
    def __init__(self, encoder, lr=5e-4):
        super().__init__()
        self.encoder = encoder
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.encoder(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


PLUGINS = [TokenizerPlugin(), DatasetPlugin(), ModelPlugin(max_positions=32)]


def main():
    L.seed_everything(3, verbose=False)
    ctx = types.SimpleNamespace(tokenizer=None, dataset=None, model=None)
    for plugin in PLUGINS:
        plugin.setup(ctx)
    try:
        loader = DataLoader(ctx.dataset, batch_size=4, shuffle=False,
                            collate_fn=functools.partial(collate_orders, tokenizer=ctx.tokenizer,
                                                       max_len=ctx.model.config.max_position_embeddings))
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                            logger=False, enable_checkpointing=False)
        trainer.fit(CrewRouter(ctx.model), train_dataloaders=loader)
        print("final loss", float(trainer.callback_metrics["train_loss"]))
    finally:
        for plugin in reversed(PLUGINS):
            plugin.teardown(ctx)


if __name__ == "__main__":
    main()
