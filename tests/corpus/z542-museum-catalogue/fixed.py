"""Museum collection catalogue: predict the object type from the free-text catalogue entry.
Tiny BERT encoder + linear head, trained with Lightning on CPU."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

import lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

OBJECT_TYPES = ["ceramic", "textile", "coin", "manuscript"]

CATALOGUE = [
    ("glazed earthenware bowl with blue floral rim chipped at base", "ceramic"),
    ("stoneware jug salt glaze with incised handle", "ceramic"),
    ("porcelain tea cup painted with river scene", "ceramic"),
    ("woven wool blanket with red and black stripes", "textile"),
    ("embroidered silk panel with birds and flowers", "textile"),
    ("linen sampler stitched with alphabet and date", "textile"),
    ("silver penny with worn portrait of the king", "coin"),
    ("copper token struck for a local merchant", "coin"),
    ("gold coin with eagle reverse and milled edge", "coin"),
    ("bound parish register with ink entries of baptisms", "manuscript"),
    ("letter on paper folded and sealed with red wax", "manuscript"),
    ("illuminated leaf from a psalter with gilt initial", "manuscript"),
    # accession 1987.114 -- full provenance as transcribed from the old ledger card
    ("vellum deed with hanging seal recording the sale of a mill and two fields "
     "acquired by the founder at auction and later lent to the county archive "
     "then returned to the museum after the archive closed and stored in the "
     "strong room with other estate papers from the same family including maps "
     "of the mill race and a bundle of letters about the water rights dispute "
     "between the miller and the parish which lasted for many years and ended "
     "in a settlement signed by both parties in the presence of the vicar", "manuscript"),
]


def make_tokenizer(texts):
    folder = tempfile.mkdtemp(prefix="catalogue_")
    words = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


class CatalogueData(L.LightningDataModule):
    def __init__(self, tokenizer, rows, max_len, batch_size=4):
        super().__init__()
        self.tokenizer = tokenizer
        self.rows = rows
        self.max_len = max_len
        self.batch_size = batch_size

    def setup(self, stage=None):
        type_id = {t: i for i, t in enumerate(OBJECT_TYPES)}
        self.items = []
        for text, obj_type in self.rows:
            token_ids = self.tokenizer.encode(text, add_special_tokens=True,
                                              truncation=True, max_length=self.max_len)
            self.items.append((token_ids, type_id[obj_type]))
        print(f"encoded {len(self.items)} entries, longest {max(len(t) for t, _ in self.items)} tokens")

    def _collate(self, chunk):
        width = max(len(ids) for ids, _ in chunk)
        pad = self.tokenizer.pad_token_id
        ids = torch.full((len(chunk), width), pad, dtype=torch.long)
        keep = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, (tok, _) in enumerate(chunk):
            ids[row, : len(tok)] = torch.tensor(tok)
            keep[row, : len(tok)] = 1
        target = torch.tensor([y for _, y in chunk])
        return ids, keep, target

    def train_dataloader(self):
        return DataLoader(self.items, batch_size=self.batch_size, shuffle=True,
                          collate_fn=self._collate)


class ObjectTypeClassifier(L.LightningModule):
    def __init__(self, config, n_types, lr=5e-4):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, n_types)
        self.lr = lr

    def forward(self, ids, keep):
        hidden = self.encoder(input_ids=ids, attention_mask=keep).last_hidden_state
        return self.head(hidden[:, 0])

    def training_step(self, batch, batch_idx):
        ids, keep, target = batch
        loss = F.cross_entropy(self(ids, keep), target)
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


if __name__ == "__main__":
    tok = make_tokenizer([t for t, _ in CATALOGUE])
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    data = CatalogueData(tok, CATALOGUE, max_len=cfg.max_position_embeddings)
    model = ObjectTypeClassifier(cfg, len(OBJECT_TYPES))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, datamodule=data)
    print("training finished")
