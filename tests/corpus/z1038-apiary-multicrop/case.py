"""Multi-crop hive-status classifier for apiary inspection notes (Lightning).

Every note is cut into N_CROPS fixed-width word windows (start / middle / end).
The collate function returns one (B, T) tensor per crop position, the model
encodes all crops in one BERT pass and averages the crop vectors per note.

    B = notes per batch, K = N_CROPS, T = CROP_WORDS + 2 ([CLS] ... [SEP]), H = hidden
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

STATUS = ["healthy", "queenless", "varroa"]
NOTES = [
    ("frames full of capped brood queen seen on frame four calm bees good stores of honey", 0),
    ("no eggs no young larvae bees roaring when opened several emergency queen cells started", 1),
    ("mite drop on sticky board high deformed wings on young bees spotty brood pattern", 2),
    ("strong colony eggs present in every frame pollen coming in steadily nectar flow on", 0),
    ("laying workers suspected multiple eggs per cell drone brood in worker cells no queen", 1),
    ("alcohol wash showed nine mites per hundred bees crawling bees at entrance treated", 2),
    ("queen marked blue seen laying brood on six frames supers added for the flow", 0),
    ("queen cup empty colony defensive no brood at all since last visit combined later", 1),
]
N_CROPS, CROP_WORDS = 3, 8


def write_vocab(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def crop_windows(words, n_crops=N_CROPS, width=CROP_WORDS):
    """Evenly spaced windows of `width` words, first one at 0, last one at the end."""
    last = len(words) - width
    starts = [round(i * last / (n_crops - 1)) for i in range(n_crops)]
    return [" ".join(words[s:s + width]) for s in starts]


class HiveNotes(L.LightningDataModule):
    def __init__(self, notes, batch_size=4):
        super().__init__()
        self.notes, self.batch_size = notes, batch_size

    def setup(self, stage=None):
        self.tokenizer = BertTokenizer(write_vocab(self.notes))
        self.items = [(crop_windows(t.split()), y) for t, y in self.notes]

    def collate(self, items):
        per_crop = []
        for k in range(N_CROPS):
            enc = self.tokenizer([crops[k] for crops, _ in items], return_tensors="pt")
            per_crop.append(enc["input_ids"])  # (B, T), every crop has CROP_WORDS words
        return {"crops": per_crop, "hive_status": torch.tensor([y for _, y in items])}

    def train_dataloader(self):
        return DataLoader(self.items, batch_size=self.batch_size, shuffle=True,
                          collate_fn=self.collate)


def average_over_crops(crop_vecs, n_crops):
    """(K * B, H) crop vectors -> (B, H), one averaged vector per note."""
    return crop_vecs.view(-1, n_crops, crop_vecs.size(-1)).mean(dim=0)


class MultiCropClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_classes=len(STATUS)):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg)
        self.classifier = torch.nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, crops):
        B = crops[0].size(0)
        flat = torch.cat(crops, dim=0)  # (K * B, T)
        assert flat.shape == (len(crops) * B, CROP_WORDS + 2)
        cls_vecs = self.encoder(input_ids=flat).last_hidden_state[:, 0]  # (K * B, H)
        assert cls_vecs.size(0) == flat.size(0)
        note_vecs = average_over_crops(cls_vecs, len(crops))  # (B, H)
        return self.classifier(note_vecs)  # (B, C)

    def training_step(self, batch, batch_idx):
        logits = self(batch["crops"])
        loss = F.cross_entropy(logits, batch["hive_status"])
        print(f"step {batch_idx}: loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-3)


if __name__ == "__main__":
    dm = HiveNotes(NOTES)
    dm.setup()
    model = MultiCropClassifier(vocab_size=len(dm.tokenizer))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, datamodule=dm)
    print("finished", trainer.global_step, "steps")
