"""Classify apiary inspection notes into hive conditions (Lightning + tiny BERT).

First run: train on the original condition set, dump a resumable checkpoint.
Second run: pick the checkpoint back up with this season's notes.
"""
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

SPRING_NOTES = [
    ("capped brood pattern solid queen seen laying", "healthy"),
    ("eggs present brood even stores good", "healthy"),
    ("mites visible on drones deformed wings", "varroa"),
    ("sugar roll count high mites on bees", "varroa"),
    ("queen cells along bottom bars colony crowded", "swarming"),
    ("swarm cells capped bees bearding", "swarming"),
    ("no eggs no queen emergency cells", "queenless"),
    ("laying workers drone brood scattered", "queenless"),
]
SUMMER_NOTES = [
    ("mummified larvae white chalky cells", "chalkbrood"),
    ("webbing in frames larvae tunnels wax", "wax_moth"),
    ("mites counted on sticky board", "varroa"),
    ("brood solid queen seen", "healthy"),
    ("chalky larvae near entrance", "chalkbrood"),
    ("queen cells capped colony crowded", "swarming"),
]
WORDS = sorted({w for t, _ in SPRING_NOTES + SUMMER_NOTES for w in t.split()})


class HiveNoteClassifier(L.LightningModule):
    def __init__(self, bert_config, lr=1e-3):
        super().__init__()
        self.net = BertForSequenceClassification(bert_config)
        self.lr = lr
        n = bert_config.num_labels
        self.class_hits = torch.zeros(n)
        self.class_seen = torch.zeros(n)

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self._track(out.logits.detach(), batch["labels"])
        return out.loss

    def _track(self, logits, gold):
        right = (logits.argmax(-1) == gold).float()
        self.class_hits.index_add_(0, gold, right)
        self.class_seen.index_add_(0, gold, torch.ones_like(right))

    def on_train_epoch_end(self):
        acc = self.class_hits / self.class_seen.clamp(min=1)
        print("running per-class acc:", [round(a, 2) for a in acc.tolist()])

    def stats(self):
        return {"hits": self.class_hits.clone(), "seen": self.class_seen.clone()}

    def load_stats(self, stats):
        self.class_hits = stats["hits"].clone()
        self.class_seen = stats["seen"].clone()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def tokenizer_from(vocab):
    vdir = tempfile.mkdtemp(prefix="hive_vocab_")
    path = os.path.join(vdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def make_loader(notes, tok, labels, bs=4):
    def collate(rows):
        enc = tok([t for t, _ in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([labels.index(c) for _, c in rows])
        return dict(enc)
    return DataLoader(notes, batch_size=bs, shuffle=True, collate_fn=collate)


def fit(module, loader):
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(module, loader)


# ---- first run ---------------------------------------------------------------
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
labels = sorted({c for _, c in SPRING_NOTES})
cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, num_labels=len(labels))
tok = tokenizer_from(vocab)
module = HiveNoteClassifier(cfg)
fit(module, make_loader(SPRING_NOTES, tok, labels))

ckpt_file = os.path.join(tempfile.mkdtemp(prefix="hive_ckpt_"), "last.pt")
torch.save({"model": module.net.state_dict(), "config": cfg.to_dict(), "vocab": vocab,
            "labels": labels, "epoch": 1, "class_stats": module.stats()}, ckpt_file)
print("checkpoint written to", ckpt_file)

# ---- second run: resume with summer notes --------------------------------------
ckpt = torch.load(ckpt_file)
labels = ckpt["labels"] + sorted({c for _, c in SUMMER_NOTES} - set(ckpt["labels"]))
cfg = BertConfig.from_dict(ckpt["config"])
cfg.num_labels = len(labels)
cfg.hidden_dropout_prob = 0.0
module = HiveNoteClassifier(cfg, lr=5e-4)
weights = {k: v for k, v in ckpt["model"].items() if not k.startswith("classifier.")}
result = module.net.load_state_dict(weights, strict=False)
print("labels now:", labels, "| fresh:", result.missing_keys)
old_stats = ckpt["class_stats"]
stats = {"hits": torch.zeros(len(labels)), "seen": torch.zeros(len(labels))}
for i, name in enumerate(ckpt["labels"]):
    for key in stats:
        stats[key][labels.index(name)] = old_stats[key][i]
module.load_stats(stats)

tok = tokenizer_from(ckpt["vocab"])
fit(module, make_loader(SUMMER_NOTES, tok, labels))
print("resumed run done, epoch", ckpt["epoch"] + 1)
