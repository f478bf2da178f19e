"""Multi-label hazard tagging for regional avalanche bulletins (Lightning).

Each bulletin sentence can mention several avalanche problems at once, so the
head is a sigmoid per problem type with its own decision threshold.
"""
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from typing import List, Tuple

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

BULLETINS = [
    ("fresh wind slabs on lee slopes near ridgelines", ["wind_slab"]),
    ("buried surface hoar persists on shaded slopes", ["persistent_slab"]),
    ("rain on snow will trigger wet loose releases", ["wet_snow"]),
    ("wind slabs over buried surface hoar on north aspects", ["wind_slab", "persistent_slab"]),
    ("glide cracks opening on grassy slopes below treeline", ["glide"]),
    ("daytime warming brings wet slabs and glide releases", ["wet_snow", "glide"]),
    ("cornices and wind slabs loaded by strong westerly wind", ["wind_slab"]),
    ("deep persistent layer remains reactive to large loads", ["persistent_slab"]),
]


@dataclass
class EncoderSettings:
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 48


@dataclass
class TaggerSettings:
    label_names: List[str] = field(
        default_factory=lambda: ["wind_slab", "persistent_slab", "wet_snow"])
    # tuned on last winter's bulletins, one value per problem type
    thresholds_spec: str = "0.50,0.40,0.55"
    lr: float = 3e-4
    batch_size: int = 4
    thresholds: Tuple[float, ...] = field(init=False)
    num_labels: int = field(init=False)

    def __post_init__(self):
        self.thresholds = tuple(float(x) for x in self.thresholds_spec.split(","))
        self.num_labels = len(self.label_names)


def write_vocab(folder: str) -> str:
    words = sorted({w for text, _ in BULLETINS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class BulletinTagger(L.LightningModule):
    def __init__(self, settings: TaggerSettings, encoder: EncoderSettings, vocab_size: int):
        super().__init__()
        self.settings = settings
        bert_cfg = BertConfig(vocab_size=vocab_size, num_labels=settings.num_labels,
                              problem_type="multi_label_classification", **asdict(encoder))
        self.net = BertForSequenceClassification(bert_cfg)

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss, batch_size=batch["labels"].size(0))
        return out.loss

    def validation_step(self, batch, batch_idx):
        targets = batch.pop("labels")
        probs = torch.sigmoid(self.net(**batch).logits)
        cut = torch.tensor(self.settings.thresholds, device=probs.device)
        flagged = (probs >= cut).float()
        exact = (flagged == targets).all(dim=1).float().mean()
        self.log("val_exact", exact, batch_size=targets.size(0), prog_bar=True)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.settings.lr)


def make_collate(tokenizer, label_names):
    index = {name: i for i, name in enumerate(label_names)}

    def collate(rows):
        enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
        multi_hot = torch.zeros(len(rows), len(label_names))
        for r, (_, tags) in enumerate(rows):
            for tag in tags:
                multi_hot[r, index[tag]] = 1.0
        enc["labels"] = multi_hot
        return dict(enc)
    return collate


def main():
    tmp = tempfile.mkdtemp(prefix="avalanche_")
    tokenizer = BertTokenizer(write_vocab(tmp))
    last_season = TaggerSettings()
    # this season the bulletins also report glide avalanches
    settings = replace(last_season,
                       label_names=last_season.label_names + ["glide"],
                       thresholds_spec=last_season.thresholds_spec + ",0.45")
    print("settings:", asdict(settings))

    collate = make_collate(tokenizer, settings.label_names)
    train_dl = DataLoader(BULLETINS, batch_size=settings.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(BULLETINS, batch_size=settings.batch_size, collate_fn=collate)

    model = BulletinTagger(settings, EncoderSettings(), vocab_size=tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    print("final:", {k: float(v) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
