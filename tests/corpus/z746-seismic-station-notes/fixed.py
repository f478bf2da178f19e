"""Route maintenance notes from remote seismograph stations to the right field team
(sensor / power / telemetry) with a tiny BERT classifier trained in Lightning."""
import argparse
import logging
import os
import tempfile

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

log = logging.getLogger("station-notes")
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

TEAMS = ["sensor", "power", "telemetry"]
NOTES = [
    ("seismometer mass position drifting , recentre failed twice", "sensor"),
    ("battery voltage dropped below 11 v overnight", "power"),
    ("no packets since 02 utc , modem unresponsive", "telemetry"),
    ("solar panel covered in snow , charge controller fault", "power"),
    ("vertical channel noisy , possible cable damage at vault", "sensor"),
    ("latency above 40 s , satellite link degraded", "telemetry"),
    ("gps clock unlocked , timing quality low", "sensor"),
    ("radio link lost after storm , antenna misaligned", "telemetry"),
    ("regulator overheating , fuse replaced", "power"),
]


class Experiment:
    def __init__(self, module, train_loader, val_loader, trainer):
        self.module = module
        self.train_loader = train_loader
        self.val_loader = val_loader
        self.trainer = trainer


def make_tokenizer(workdir):
    words = sorted({w for note, _ in NOTES for w in note.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def preencode(tokenizer, rows, max_len):
    enc = tokenizer([n for n, _ in rows], padding="max_length", truncation=True, max_length=max_len,
                    return_tensors="pt")
    return [{"tokens": enc["input_ids"][i], "keep": enc["attention_mask"][i], "team": TEAMS.index(t)}
            for i, (_, t) in enumerate(rows)]


def trim_collate(items):
    # everything is padded to max_len up front; cut the batch back to its longest note
    longest = max(int(x["keep"].sum()) for x in items)
    tokens = torch.stack([x["tokens"][:longest] for x in items])
    keep = torch.stack([x["keep"][:longest] for x in items])
    team = torch.tensor([x["team"] for x in items])
    return {"tokens": tokens, "keep": keep, "team": team}


class NoteRouter(L.LightningModule):
    def __init__(self, vocab_size, n_teams, lr):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.classifier = torch.nn.Linear(cfg.hidden_size, n_teams)

    def forward(self, tokens, keep):
        hidden = self.bert(input_ids=tokens, attention_mask=keep).last_hidden_state
        return self.classifier(hidden[:, 0])

    def training_step(self, batch, batch_idx):
        logits = self(batch["tokens"], batch["keep"])
        loss = torch.nn.functional.cross_entropy(logits, batch["team"])
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        logits = self(batch["tokens"], batch["keep"])
        self.log("val_acc", (logits.argmax(-1) == batch["team"]).float().mean())

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def make_experiment(args):
    L.seed_everything(args.seed, verbose=False)
    tokenizer = make_tokenizer(tempfile.mkdtemp(prefix="stations_"))
    rows = preencode(tokenizer, NOTES, args.max_len)
    train_loader = DataLoader(rows[:7], batch_size=args.batch_size, shuffle=True, collate_fn=trim_collate)
    val_loader = DataLoader(rows[7:], batch_size=args.batch_size, collate_fn=trim_collate)
    module = NoteRouter(tokenizer.vocab_size, len(TEAMS), args.lr)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    log.info("%d train / %d val notes, max_len=%d", len(rows[:7]), len(rows[7:]), args.max_len)
    return Experiment(module, train_loader, val_loader, trainer)


def run(args):
    exp = make_experiment(args)
    if args.command == "train":
        exp.trainer.fit(exp.module, exp.train_loader, exp.val_loader)
        log.info("finished: %s", {k: float(v) for k, v in exp.trainer.callback_metrics.items()})
    elif args.command == "evaluate":
        exp.trainer.validate(exp.module, exp.val_loader)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="station-notes")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "evaluate"):
        sp = sub.add_parser(name)
        sp.add_argument("--max-len", type=int, default=32)
        sp.add_argument("--batch-size", type=int, default=4)
        sp.add_argument("--lr", type=float, default=1e-3)
        sp.add_argument("--seed", type=int, default=3)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main(["train"])
