"""Predict lithology from geologists' drill-core logging notes.

Tiny BERT classifier wrapped in a LightningModule; data handling follows the
shape of the transformers run_glue.py example (argument dataclasses,
preprocess_function over batches of rows).
"""
import os
import re
import tempfile
from dataclasses import dataclass, field

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast, HfArgumentParser

LITHOLOGIES = ["sandstone", "shale", "limestone", "granite"]

CORE_LOGS = [
    ("fine grained quartz arenite , well sorted , cross bedded , buff colour", "sandstone"),
    ("dark grey fissile mudrock , laminated , pyrite nodules , strong hydrocarbon odour", "shale"),
    ("massive bioclastic grainstone with crinoid ossicles , reacts strongly with dilute acid", "limestone"),
    ("coarse pink feldspar phenocrysts in quartz biotite matrix , equigranular , fresh", "granite"),
    ("medium grained arkosic unit , feldspar rich , poorly sorted , red staining , "
     "interbedded with thin mudrock partings every few centimetres , scattered carbonaceous "
     "plant fragments on bedding planes , occasional mudclast conglomerate lags at base of "
     "fining upward packages , cross bedding sets up to twenty centimetres , minor calcite "
     "cement near the top of the run , core recovery ninety percent , fractured zone between "
     "depths logged as broken rubble , sample taken for porosity and permeability", "sandstone"),
    ("black carbonaceous claystone , blocky fracture , graptolite fragments , soft", "shale"),
    ("oolitic packstone , pale cream , stylolites , vuggy porosity , fizzes with acid", "limestone"),
    ("grey biotite granodiorite , medium grained , chloritised fractures , hard", "granite"),
]


@dataclass
class ModelArguments:
    hidden_size: int = field(default=32, metadata={"help": "Hidden width of the encoder."})
    max_position_embeddings: int = field(default=64, metadata={"help": "Longest sequence the encoder can embed."})
    learning_rate: float = field(default=5e-4, metadata={"help": "AdamW learning rate."})


@dataclass
class DataTrainingArguments:
    max_seq_length: int = field(default=64, metadata={"help": "Max tokens per logging note."})
    batch_size: int = field(default=4, metadata={"help": "Training batch size."})
    seed: int = field(default=3, metadata={"help": "Seed for lightning.seed_everything."})


def make_tokenizer(notes):
    tokens = sorted({w for n in notes for w in re.findall(r"\w+|[^\w\s]", n.lower())})
    vocab_path = os.path.join(tempfile.mkdtemp(prefix="corelog_"), "vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens:
            fh.write(tok + "\n")
    return BertTokenizerFast(vocab_path)


def collate_rows(rows):
    return {key: torch.tensor([r[key] for r in rows]) for key in rows[0]}


class LithologyClassifier(L.LightningModule):
    def __init__(self, vocab_size, model_args):
        super().__init__()
        self.lr = model_args.learning_rate
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=model_args.hidden_size, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=model_args.max_position_embeddings,
                         num_labels=len(LITHOLOGIES))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss, prog_bar=False)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    model_args, data_args = HfArgumentParser((ModelArguments, DataTrainingArguments)).parse_args_into_dataclasses(args=[])
    L.seed_everything(data_args.seed)
    tokenizer = make_tokenizer([n for n, _ in CORE_LOGS])

    def preprocess_function(examples):
        result = tokenizer(examples["note"], padding="longest", truncation=True, max_length=data_args.max_seq_length)
        result["labels"] = [LITHOLOGIES.index(x) for x in examples["lithology"]]
        return result

    rows = [{"note": n, "lithology": lith} for n, lith in CORE_LOGS]
    block = preprocess_function({"note": [r["note"] for r in rows], "lithology": [r["lithology"] for r in rows]})
    train_rows = [dict(zip(block.keys(), vals)) for vals in zip(*block.values())]
    print(f"{len(train_rows)} core intervals, padded width {len(train_rows[0]['input_ids'])}")

    loader = DataLoader(train_rows, batch_size=data_args.batch_size, shuffle=True, collate_fn=collate_rows)
    module = LithologyClassifier(len(tokenizer), model_args)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(module, train_dataloaders=loader)

    module.eval()
    probe = tokenizer(CORE_LOGS[2][0], truncation=True, max_length=data_args.max_seq_length, return_tensors="pt")
    with torch.no_grad():
        pred = module.bert(**probe).logits.argmax(-1).item()
    print("probe interval classified as", LITHOLOGIES[pred])


if __name__ == "__main__":
    main()
