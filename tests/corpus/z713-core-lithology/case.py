"""Two-level lithology tagger for drill-core log descriptions (rock family -> lithology).

The core shed only logs the leaf lithology; the model predicts both levels so that the
family head can be used for coarse QA when the leaf prediction is unsure.
"""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(5, verbose=False)

TAXONOMY = {
    "igneous": ["granite", "basalt", "andesite"],
    "sedimentary": ["sandstone", "shale", "limestone"],
    "metamorphic": ["schist", "gneiss", "marble"],
}
FAMILIES = list(TAXONOMY)
LITHOLOGIES = [leaf for fam in FAMILIES for leaf in TAXONOMY[fam]]
LITH2ID = {name: i for i, name in enumerate(LITHOLOGIES)}

CORE_LOG = [
    ("coarse pink feldspar quartz interlocking crystals", "granite"),
    ("dark fine grained vesicular olivine", "basalt"),
    ("grey porphyritic plagioclase phenocrysts", "andesite"),
    ("rounded quartz grains cross bedded friable", "sandstone"),
    ("fissile dark clay laminae splits easily", "shale"),
    ("fizzes with acid shell fragments micritic", "limestone"),
    ("foliated mica sheen crenulated", "schist"),
    ("banded light dark layers coarse foliation", "gneiss"),
    ("sugary recrystallised calcite fizzes with acid", "marble"),
    ("pink feldspar coarse crystals no foliation", "granite"),
    ("vesicular dark groundmass olivine phenocrysts", "basalt"),
    ("clay laminae dark fissile organic", "shale"),
] * 3


@dataclass
class LevelSpec:
    name: str
    n_classes: int
    weight: float


LEVELS = [LevelSpec("family", len(FAMILIES), 0.3), LevelSpec("lithology", len(LITHOLOGIES), 1.0)]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tokenizer):
    def collate(rows):
        texts, leaves = zip(*rows)
        enc = tokenizer(list(texts), padding=True, return_tensors="pt")
        return {"ids": enc["input_ids"], "attn": enc["attention_mask"],
                "target": torch.tensor([LITH2ID[x] for x in leaves])}
    return collate


class HierTagger(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.heads = nn.ModuleDict({lv.name: nn.Linear(cfg.hidden_size, lv.n_classes) for lv in LEVELS})

    def forward(self, ids, attn):
        cls_vec = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state[:, 0]
        return {name: head(cls_vec) for name, head in self.heads.items()}

    def _step(self, batch, stage):
        logits = self(batch["ids"], batch["attn"])
        total = 0.0
        for lv in LEVELS:
            level_loss = F.cross_entropy(logits[lv.name], batch["target"])
            self.log(f"{stage}_{lv.name}_loss", level_loss, prog_bar=False)
            total = total + lv.weight * level_loss
        return total

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-3)


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in CORE_LOG]))
    loader = DataLoader(CORE_LOG, batch_size=6, shuffle=True, collate_fn=make_collate(tok))
    model = HierTagger(tok.vocab_size)
    print(f"training on {len(CORE_LOG)} log lines, levels={[lv.name for lv in LEVELS]}")
    trainer = L.Trainer(max_epochs=4, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)

    model.eval()
    probe = ["coarse pink feldspar crystals", "fizzes with acid recrystallised calcite"]
    enc = tok(probe, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(enc["input_ids"], enc["attention_mask"])
    for text, f, l in zip(probe, out["family"].argmax(-1), out["lithology"].argmax(-1)):
        print(f"{text!r}: {FAMILIES[f]} / {LITHOLOGIES[l]}")


if __name__ == "__main__":
    main()
