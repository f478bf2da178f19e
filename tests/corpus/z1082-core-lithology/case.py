"""Lithology tagging of drill-core interval descriptions with a tiny BERT, trained through Lightning."""
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader

try:
    import lightning as L
except ImportError:  # older installs
    import pytorch_lightning as L
from transformers import BertConfig, BertModel, BertTokenizer


class Container:
    def __init__(self):
        self._registry = {}
        self._singletons = {}

    def register(self, name, factory, singleton=True):
        self._registry[name] = (factory, singleton)

    def resolve(self, name):
        factory, singleton = self._registry[name]
        if not singleton:
            return factory(self)
        if name not in self._singletons:
            self._singletons[name] = factory(self)
        return self._singletons[name]


@dataclass
class Interval:
    hole: str
    depth_m: float
    text: str
    lithology: str


INTERVALS = [
    Interval("BH-04", 12.5, "grey fine sandstone with thin clay partings", "sandstone"),
    Interval("BH-04", 13.1, "dark grey mudstone fissile", "mudstone"),
    Interval("BH-04", 14.0, "white limestone with shell fragments", "limestone"),
    Interval("BH-07", 3.2, "brown silty clay soft", "mudstone"),
    Interval("BH-07", 5.8,
             "pale grey medium to coarse sandstone cross bedded with scattered quartz pebbles and thin "
             "carbonaceous laminae at the base grading up into fine sandstone with ripple marks and rare "
             "mud drapes then a sharp contact with overlying dark grey mudstone containing plant fragments",
             "sandstone"),
    Interval("BH-07", 9.4, "cream limestone oolitic hard", "limestone"),
    Interval("BH-11", 21.0, "green grey mudstone with pyrite nodules", "mudstone"),
    Interval("BH-11", 22.6, "buff sandstone well sorted", "sandstone"),
]
LITHOLOGIES = ["sandstone", "mudstone", "limestone"]


def vocab_file(intervals):
    words = sorted({w for iv in intervals for w in iv.text.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="litho_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class LithoTagger(L.LightningModule):
    def __init__(self, config, n_classes, lr):
        super().__init__()
        self.bert = BertModel(config)
        self.head = torch.nn.Linear(config.hidden_size, n_classes)
        self.lr = lr

    def forward(self, ids, attn):
        hidden = self.bert(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.head(hidden[:, 0])

    def training_step(self, batch, batch_idx):
        logits = self(batch["ids"], batch["attn"])
        loss = torch.nn.functional.cross_entropy(logits, batch["y"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def make_collate(c):
    encode = c.resolve("encode")
    index = {name: i for i, name in enumerate(c.resolve("classes"))}

    def collate(items):
        enc = encode([iv.text for iv in items])
        return {"ids": enc["input_ids"], "attn": enc["attention_mask"],
                "y": torch.tensor([index[iv.lithology] for iv in items])}
    return collate


def compose():
    c = Container()
    c.register("intervals", lambda c: INTERVALS)
    c.register("classes", lambda c: LITHOLOGIES)
    c.register("max_positions", lambda c: 32)
    c.register("tokenizer", lambda c: BertTokenizer(vocab_file(c.resolve("intervals"))))
    c.register("encode", lambda c: lambda texts: c.resolve("tokenizer")(
        texts, padding="longest", return_tensors="pt"))
    c.register("config", lambda c: BertConfig(
        vocab_size=len(c.resolve("tokenizer")), hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=c.resolve("max_positions")))
    c.register("module", lambda c: LithoTagger(c.resolve("config"), len(c.resolve("classes")), lr=1e-3))
    c.register("loader", lambda c: DataLoader(c.resolve("intervals"), batch_size=4,
                                              collate_fn=make_collate(c)), singleton=False)
    c.register("trainer", lambda c: L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                                              logger=False, enable_checkpointing=False))
    return c


if __name__ == "__main__":
    L.seed_everything(3, verbose=False)
    c = compose()
    print(f"{len(c.resolve('intervals'))} logged intervals, {len(c.resolve('classes'))} lithologies")
    module = c.resolve("module")
    c.resolve("trainer").fit(module, train_dataloaders=c.resolve("loader"))
    module.eval()
    with torch.no_grad():
        enc = c.resolve("encode")(["grey sandstone with clay"])
        pred = module(enc["input_ids"], enc["attention_mask"]).argmax(-1).item()
    print("prediction:", c.resolve("classes")[pred])
