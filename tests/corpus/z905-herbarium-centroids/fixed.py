"""Herbarium label notes -> plant family, with a center-loss style prototype bank.

The prototypes are reused later for nearest-centroid lookup of unlabelled
sheets, so they are kept as an EMA of the pooled [CLS] features per family.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

FAMILIES = ["Asteraceae", "Fabaceae", "Poaceae", "Rosaceae", "Orchidaceae"]
SHEETS = [
    ("capitulum with ray florets yellow, pappus of bristles, roadside", "Asteraceae"),
    ("disc florets purple, involucre bracts imbricate, dry meadow", "Asteraceae"),
    ("achenes with pappus, leaves alternate, ruderal site", "Asteraceae"),
    ("ray florets white, receptacle conical, pasture margin", "Asteraceae"),
    ("pod dehiscent, papilionaceous corolla, root nodules present", "Fabaceae"),
    ("pinnate leaves with tendrils, legume pod, hedge", "Fabaceae"),
    ("stipules large, flowers papilionaceous pink, sandy soil", "Fabaceae"),
    ("trifoliate leaves, pod indehiscent, grazed pasture", "Fabaceae"),
    ("spikelets in panicle, ligule membranous, culm hollow", "Poaceae"),
    ("inflorescence a spike, awns long, field edge", "Poaceae"),
    ("leaf sheath open, ligule hairy, culm nodes swollen", "Poaceae"),
    ("panicle open, spikelets awnless, wet meadow", "Poaceae"),
    ("five petals white, many stamens, hip red, hedge", "Rosaceae"),
    ("leaves serrate with stipules, pome fruit, orchard escape", "Rosaceae"),
    ("prickles on stem, pinnate leaves, hip orange", "Rosaceae"),
    ("drupe dark, flowers white in umbel, woodland edge", "Rosaceae"),
    ("labellum spurred, pollinia, tuber paired, calcareous grassland", "Orchidaceae"),
    ("flowers resupinate, labellum three lobed, damp fen", "Orchidaceae"),
    ("leaves spotted, spike dense purple, woodland ride", "Orchidaceae"),
    ("labellum insect like, pollinia, chalk bank", "Orchidaceae"),
]


def build_tokenizer(texts):
    words = sorted({w.strip(",") for t in texts for w in t.split()} | {","})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


class SheetDataset(Dataset):
    def __init__(self, sheets):
        self.sheets = sheets

    def __len__(self):
        return len(self.sheets)

    def __getitem__(self, i):
        text, family = self.sheets[i]
        return {"text": text, "family": FAMILIES.index(family), "row": i}


def collate_sheets(items, tokenizer):
    enc = tokenizer([it["text"] for it in items], padding=True, return_tensors="pt")
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "family": torch.tensor([it["family"] for it in items]),
        "row": torch.tensor([it["row"] for it in items]),
    }


class FamilyClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_families, n_sheets, center_weight=0.05, momentum=0.9):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_families)
        self.center_weight = center_weight
        self.momentum = momentum
        self.register_buffer("centroids", torch.zeros(n_families, cfg.hidden_size))
        self.register_buffer("sample_loss", torch.zeros(n_sheets))

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return out.last_hidden_state[:, 0]

    @torch.no_grad()
    def _bank_update(self, feats, slots):
        sums = torch.zeros_like(self.centroids).index_add_(0, slots, feats)
        counts = torch.zeros(self.centroids.size(0)).index_add_(0, slots, torch.ones(len(slots)))
        seen = counts > 0
        batch_mean = sums[seen] / counts[seen].unsqueeze(1)
        self.centroids[seen] = self.momentum * self.centroids[seen] + (1 - self.momentum) * batch_mean

    def training_step(self, batch, batch_idx):
        pooled = self(batch["input_ids"], batch["attention_mask"])
        ce = F.cross_entropy(self.head(pooled), batch["family"], reduction="none")
        # keep per-sheet losses around for the hard-example report
        self.sample_loss[batch["row"]] = ce.detach()
        self._bank_update(pooled.detach(), batch["family"])
        pull = (pooled - self.centroids[batch["family"]]).pow(2).sum(-1)
        loss = ce.mean() + self.center_weight * pull.mean()
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-3)


tokenizer = build_tokenizer([t for t, _ in SHEETS])
loader = DataLoader(SheetDataset(SHEETS), batch_size=4, shuffle=True,
                    collate_fn=lambda items: collate_sheets(items, tokenizer))
model = FamilyClassifier(tokenizer.vocab_size, len(FAMILIES), len(SHEETS))
print(f"{len(SHEETS)} sheets, {len(FAMILIES)} families, vocab {tokenizer.vocab_size}")

trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False, enable_model_summary=False)
trainer.fit(model, loader)

hardest = model.sample_loss.topk(3).indices.tolist()
print("hardest sheets:", [SHEETS[i][0][:40] for i in hardest])
print("centroid norms:", [round(v, 3) for v in model.centroids.norm(dim=1).tolist()])
