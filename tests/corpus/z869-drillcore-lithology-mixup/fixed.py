"""Lithology classification of drill-core logging remarks with manifold mixup on the [CLS] vector.

Tiny random-init BERT, Lightning loop, CPU only.
"""
import os
import tempfile
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")

LITHOLOGIES = ["sandstone", "shale", "limestone", "granite", "basalt"]

CORE_REMARKS = [
    ("fine grained quartz grains well sorted cross bedding visible", 0),
    ("medium grained arkosic with feldspar clasts friable", 0),
    ("fissile dark grey laminations break into thin plates", 1),
    ("carbonaceous black mudrock pyrite nodules present", 1),
    ("fizzes strongly with dilute acid shell fragments", 2),
    ("micritic grey with crinoid stems and stylolites", 2),
    ("coarse crystalline pink feldspar quartz biotite", 3),
    ("phaneritic interlocking crystals minor hornblende", 3),
    ("aphanitic dark vesicles partly filled with zeolite", 4),
    ("fine dark groundmass olivine phenocrysts weathered rind", 4),
    ("cross bedded quartz sand with iron staining", 0),
    ("grey laminated mudrock with plant fragments", 1),
    ("oolitic grainstone reacts with acid", 2),
    ("pink granite with large feldspar phenocrysts", 3),
    ("vesicular dark flow top amygdales with calcite", 4),
    ("well sorted quartz arenite thin clay drapes", 0),
    ("black fissile shale with graptolites", 1),
    ("dolomitic limestone sucrosic texture weak fizz", 2),
    ("leucocratic granite quartz veins cut core", 3),
    ("columnar jointed basalt fine dark crystals", 4),
]


def write_vocab(texts):
    words = sorted({w for t, _ in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp(prefix="core_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class CoreRemarks(Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        self.enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.lith = torch.tensor([y for _, y in rows])

    def __len__(self):
        return len(self.lith)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i],
                "attention_mask": self.enc["attention_mask"][i],
                "lithology": self.lith[i]}


class LithologyMixupModule(L.LightningModule):
    def __init__(self, vocab_size, n_classes, alpha=0.4, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, n_classes)
        self._beta = torch.distributions.Beta(torch.tensor(alpha), torch.tensor(alpha))
        self._mix_gen = torch.Generator().manual_seed(17)

    def _mix_plan(self, n):
        perm = torch.randperm(n, generator=self._mix_gen)
        lam = float(self._beta.sample())
        return perm, max(lam, 1.0 - lam)

    def encode(self, batch):
        out = self.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        return out.last_hidden_state[:, 0]

    def training_step(self, batch, batch_idx):
        cls_vec = self.encode(batch)
        y = batch["lithology"]
        perm, lam = self._mix_plan(cls_vec.size(0))
        mixed = lam * cls_vec + (1.0 - lam) * cls_vec.index_select(0, perm)
        logits = self.head(mixed)
        loss = lam * F.cross_entropy(logits, y) + (1.0 - lam) * F.cross_entropy(logits, y.index_select(0, perm))
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def on_train_epoch_end(self):
        print(f"epoch {self.current_epoch}: loss={float(self.trainer.callback_metrics['train_loss']):.4f}")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(3, verbose=False)
    tok = BertTokenizer(write_vocab(CORE_REMARKS))
    ds = CoreRemarks(CORE_REMARKS, tok)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    print(f"{len(ds)} remarks, {len(loader)} batches/epoch, vocab {tok.vocab_size}")

    model = LithologyMixupModule(tok.vocab_size, len(LITHOLOGIES))
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False,
                        default_root_dir=tempfile.mkdtemp(prefix="core_run_"))
    trainer.fit(model, loader)
    print("finished")


if __name__ == "__main__":
    main()
