"""Multi-task tagging of museum accession records (object type + material).

Shared BERT encoder, two linear heads, trained with Lightning on records
exported from the collections database.
"""
import os
import re
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

MATERIALS = ["ceramic", "textile", "metal"]
OBJECT_TYPES = ["bowl", "tile", "figurine", "shawl", "banner", "sampler", "coin", "blade"]

# description, object type, material (column order of the export)
ACCESSIONS = [
    ("glazed earthenware bowl with blue floral rim, chip to foot", "bowl", "ceramic"),
    ("tin glazed tile depicting a windmill, dutch, eighteenth century", "tile", "ceramic"),
    ("porcelain figurine of a shepherdess holding a lamb", "figurine", "ceramic"),
    ("woven wool shawl with paisley border and fringe", "shawl", "textile"),
    ("embroidered silk banner of the weavers guild", "banner", "textile"),
    ("child's needlework sampler with alphabet and verse, dated", "sampler", "textile"),
    ("silver penny of edward the first, worn", "coin", "metal"),
    ("iron blade fragment with remains of a wooden grip", "blade", "metal"),
    ("stoneware bowl, salt glaze, incised lines", "bowl", "ceramic"),
    ("encaustic floor tile with heraldic lion", "tile", "ceramic"),
    ("bronze coin of constantine, green patina", "coin", "metal"),
    ("steel blade of a pocket knife, horn scales missing", "blade", "metal"),
    ("printed cotton banner for a temperance society parade", "banner", "textile"),
    ("terracotta figurine of a seated dog", "figurine", "ceramic"),
    ("cashmere shawl, moth damage to one corner", "shawl", "textile"),
    ("linen sampler with house and trees in cross stitch", "sampler", "textile"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+", t.lower())})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class AccessionCollator:
    def __init__(self, tokenizer, max_len=48):
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __call__(self, rows):
        enc = self.tokenizer([r[0] for r in rows], padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        type_ids = torch.tensor([OBJECT_TYPES.index(r[1]) for r in rows])
        material_ids = torch.tensor([MATERIALS.index(r[2]) for r in rows])
        return dict(enc), type_ids, material_ids


class CatalogueTagger(L.LightningModule):
    def __init__(self, vocab_size, hidden=32, type_weight=1.0):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=hidden * 2,
                                            max_position_embeddings=64))
        self.material_head = torch.nn.Linear(hidden, len(MATERIALS))
        self.type_head = torch.nn.Linear(hidden, len(OBJECT_TYPES))

    def forward(self, enc):
        cls = self.encoder(**enc).last_hidden_state[:, 0]
        return self.material_head(cls), self.type_head(cls)

    def training_step(self, batch, batch_idx):
        enc, type_ids, material_ids = batch
        material_logits, type_logits = self(enc)
        material_loss = F.cross_entropy(material_logits, material_ids)
        type_loss = F.cross_entropy(type_logits, type_ids)
        loss = material_loss + self.hparams.type_weight * type_loss
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: material {material_loss.item():.3f} type {type_loss.item():.3f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    tokenizer = BertTokenizer(write_vocab([r[0] for r in ACCESSIONS]))
    loader = DataLoader(ACCESSIONS, batch_size=4, shuffle=True, collate_fn=AccessionCollator(tokenizer))
    model = CatalogueTagger(tokenizer.vocab_size, type_weight=0.5)
    print(f"{len(ACCESSIONS)} accession records, {len(MATERIALS)} materials, {len(OBJECT_TYPES)} object types")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)

    model.eval()
    enc, _, _ = AccessionCollator(tokenizer)(ACCESSIONS[:4])
    with torch.no_grad():
        mat_logits, type_logits = model(enc)
    for row, m, t in zip(ACCESSIONS[:4], mat_logits.argmax(-1), type_logits.argmax(-1)):
        print(f"{row[0][:40]!r:44} -> {MATERIALS[m]}, {OBJECT_TYPES[t]}")


if __name__ == "__main__":
    main()
