# glacier field station radio log -> urgency (routine / weather / medical). lightning because that's what the template had
import os, random, tempfile
import torch
import lightning as L
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HP = dict(seed=3, max_len=32, hid=32, layers=1, heads=2, ffn=64, bs=4, lr=4e-4, n_cls=3)
L.seed_everything(HP["seed"], verbose=False)
random.seed(HP["seed"])

CLS_NAMES = ["routine", "weather", "medical"]
LOG = [
    ("camp two checking in all well fuel fine", 0),
    ("daily check in snow pit dug readings logged", 0),
    ("resupply drop received crates counted", 0),
    ("whiteout rolling in from the col visibility near zero", 1),
    ("wind gusting hard tents shaking pulling back to camp one", 1),
    ("storm front early barometer dropping fast", 1),
    ("climber fell into crevasse leg injury need evac", 2),
    ("signs of altitude sickness headache vomiting", 2),
    ("frostbite on two fingers please advise", 2),
]
LOG = [r for r in LOG for _ in range(3)]
random.shuffle(LOG)

tmp = tempfile.mkdtemp()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t, _ in LOG for w in t.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))


class RadioDS(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        txt, y = self.rows[i]
        e = tok(txt, padding="max_length", truncation=True, max_length=HP["max_len"],
                return_tensors="pt")
        e = {k: v.squeeze(0) for k, v in e.items()}
        e["labels"] = torch.tensor(y)
        return e


class Urgency(L.LightningModule):
    def __init__(self):
        super().__init__()
        cfg = BertConfig(vocab_size=len(tok), hidden_size=HP["hid"], num_hidden_layers=HP["layers"],
                         num_attention_heads=HP["heads"], intermediate_size=HP["ffn"],
                         max_position_embeddings=64, num_labels=HP["n_cls"])
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss, batch_size=batch["labels"].shape[0])
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self.bert(**batch)
        acc = (out.logits.argmax(-1) == batch["labels"]).float().mean()
        self.log_dict({"val_loss": out.loss, "val_acc": acc}, batch_size=batch["labels"].shape[0])

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=HP["lr"])


cut = int(0.8 * len(LOG))
tr_dl = DataLoader(RadioDS(LOG[:cut]), batch_size=HP["bs"], shuffle=True)
va_dl = DataLoader(RadioDS(LOG[cut:]), batch_size=HP["bs"])
print(f"{len(LOG[:cut])} train / {len(LOG[cut:])} val, vocab {len(tok)}")

mdl = Urgency()
trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False)
trainer.fit(mdl, tr_dl, va_dl)
print("metrics", {k: round(v.item(), 4) for k, v in trainer.callback_metrics.items()})

# one message from the last shift
mdl.eval()
with torch.no_grad():
    q = tok("wind picking up whiteout at the col", return_tensors="pt")
    print("->", CLS_NAMES[mdl.bert(**q).logits.argmax(-1).item()])
