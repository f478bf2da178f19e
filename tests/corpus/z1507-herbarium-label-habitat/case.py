# Herbarium sheet label transcriptions -> habitat class, tiny BERT under Lightning.
# After training, a quick look at how peaked the attention heads are (entropy per head).
import os
import tempfile
import warnings

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

warnings.filterwarnings("ignore")
L.seed_everything(21, verbose=False)

HABITATS = ["wetland", "woodland", "grassland", "coastal"]
SHEETS = [
    ("collected in wet alder carr by the river", 0), ("margin of peat bog among sphagnum", 0),
    ("shallow pond edge in standing water", 0), ("reed bed at the lake shore", 0),
    ("under beech canopy on chalk", 1), ("shaded oak wood floor with leaf litter", 1),
    ("clearing in old pine forest", 1), ("hazel coppice on clay soil", 1),
    ("dry chalk downland turf grazed by sheep", 2), ("hay meadow cut in july", 2),
    ("road verge in rough grass", 2), ("acid heath grassland with bracken", 2),
    ("shingle beach above the strand line", 3), ("salt marsh creek edge", 3),
    ("sea cliff ledge facing west", 3), ("fixed dune slack behind the beach", 3),
]

x = sorted({w for t, _ in SHEETS for w in t.split()})
vocab_dir = tempfile.mkdtemp()
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + x) + "\n")
tok = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))
tok.model_max_length = 32


def collate(rows):
    enc = tok([t for t, _ in rows], padding=True, truncation=True, return_tensors="pt")
    enc["labels"] = torch.tensor([y for _, y in rows])
    return dict(enc)


class HabitatModule(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        self.lr = lr
        self.model = BertForSequenceClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64, num_labels=len(HABITATS)))

    def training_step(self, batch, _):
        return self.model(**batch).loss

    def validation_step(self, batch, _):
        out = self.model(**batch)
        acc = (out.logits.argmax(-1) == batch["labels"]).float().mean()
        self.log_dict({"val_loss": out.loss, "val_acc": acc}, prog_bar=False)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def head_entropy(a):
    # a: (..., query, key) attention probs -> mean entropy over query positions
    return -(a * a.clamp_min(1e-9).log()).sum(-1).mean(-1)


class HeadEntropyCheck(L.Callback):
    def __init__(self, loader):
        self.loader = loader

    def on_train_end(self, trainer, pl_module):
        bert = pl_module.model.eval()
        batch = next(iter(self.loader))
        batch = {k: v for k, v in batch.items() if k != "labels"}
        with torch.no_grad():
            try:
                out = bert(**batch, output_attentions=True)
                maps = torch.stack(out.attentions, 1)      # (B, layers, heads, T, T)
            except RuntimeError as err:
                print("batched attentions failed:", err)
                # eager attention, and one sheet at a time so pad columns don't flatten the heads
                bert.set_attn_implementation("eager")
                maps = []
                for ids, keep in zip(batch["input_ids"], batch["attention_mask"]):
                    n = int(keep.sum())
                    res = bert(input_ids=ids[:n].unsqueeze(0), output_attentions=True)
                    maps.append(torch.stack(res.attentions, 1)[0])   # (layers, heads, n, n)
            maps = torch.stack(maps) if isinstance(maps, list) else maps
            ent = head_entropy(maps).mean(0)
        print("attention entropy per layer/head:")
        for li, row in enumerate(ent.tolist()):
            print(f"  layer {li}: " + "  ".join(f"{e:.3f}" for e in row))


x = SHEETS
train_dl = DataLoader(x, batch_size=4, shuffle=True, collate_fn=collate)
val_dl = DataLoader(x[::3], batch_size=6, collate_fn=collate)
print("val batch shape", tuple(next(iter(val_dl))["input_ids"].shape))

lit = HabitatModule(len(tok))
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False,
                    callbacks=[HeadEntropyCheck(val_dl)])
trainer.fit(lit, train_dl, val_dl)
print("val metrics:", {k: round(float(v), 3) for k, v in trainer.callback_metrics.items()})
