"""Route engine-room log entries from a cargo vessel to the right maintenance crew.

Entries are typed by watch engineers; the label says which crew picks it up.
"""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import yaml
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

RUN_YAML = """
seed: 21
model:
  family: bert
  hidden: 32
  blocks: 1
  heads: 2
  ffn: 64
  max_positions: 64
crews: [propulsion, electrical, hull, hvac]
trainer:
  batch_size: 4
  lr: 2.0e-4
"""

INCIDENT = ("during the night watch the main engine number three cylinder exhaust temperature rose slowly "
            "above the alarm limit while the turbocharger speed dropped and the scavenge air pressure "
            "fluctuated so the duty engineer reduced load inspected the fuel injector found a sticking "
            "needle replaced the injector with a spare from the store checked the fuel pump timing "
            "cleaned the scavenge space drained the water from the air cooler and restored full load "
            "after the exhaust temperature returned to normal and the turbocharger speed was steady again")

LOG_LINES = [
    ("main engine lube oil pressure low alarm at midnight", "propulsion"),
    ("generator two breaker tripped on overload", "electrical"),
    ("small crack found in ballast tank frame", "hull"),
    ("galley air handler fan belt slipping", "hvac"),
    (INCIDENT, "propulsion"),
    ("shore power cable insulation damaged at connector", "electrical"),
    ("paint blistering on port side near waterline", "hull"),
    ("chiller compressor short cycling in the afternoon", "hvac"),
]


@dataclass
class Entry:
    token_ids: list
    crew: int


def vocab_from(lines):
    words = sorted({w for text, _ in lines for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class EngineLog(Dataset):
    def __init__(self, lines, tokenizer, crew_index):
        self.entries = [Entry(tokenizer.encode(text), crew_index[crew]) for text, crew in lines]

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, i):
        return self.entries[i]


def pad_entries(entries, pad_id=0):
    span = max(len(e.token_ids) for e in entries)
    ids = torch.full((len(entries), span), pad_id, dtype=torch.long)
    visible = torch.zeros_like(ids)
    for row, e in enumerate(entries):
        ids[row, :len(e.token_ids)] = torch.tensor(e.token_ids)
        visible[row, :len(e.token_ids)] = 1
    return {"input_ids": ids, "attention_mask": visible,
            "labels": torch.tensor([e.crew for e in entries])}


def build_bert(spec, vocab_size, n_classes):
    return BertForSequenceClassification(BertConfig(
        vocab_size=vocab_size, hidden_size=spec["hidden"], num_hidden_layers=spec["blocks"],
        num_attention_heads=spec["heads"], intermediate_size=spec["ffn"],
        max_position_embeddings=spec["max_positions"], num_labels=n_classes))


REGISTRY = {"bert": build_bert}


class CrewRouter(L.LightningModule):
    def __init__(self, net, lr):
        super().__init__()
        self.net = net
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    cfg = yaml.safe_load(RUN_YAML)
    L.seed_everything(cfg["seed"])
    crew_index = {c: i for i, c in enumerate(cfg["crews"])}

    tokenizer = BertTokenizer(vocab_from(LOG_LINES))
    dataset = EngineLog(LOG_LINES, tokenizer, crew_index)
    print(f"{len(dataset)} log entries, longest {max(len(e.token_ids) for e in dataset.entries)} tokens")

    net = REGISTRY[cfg["model"]["family"]](cfg["model"], len(tokenizer), len(crew_index))
    loader = DataLoader(dataset, batch_size=cfg["trainer"]["batch_size"], shuffle=False,
                        collate_fn=lambda b: pad_entries(b, tokenizer.pad_token_id))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(CrewRouter(net, cfg["trainer"]["lr"]), train_dataloaders=loader)
    print("training finished")


if __name__ == "__main__":
    main()
