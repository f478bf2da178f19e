"""Urgency triage for veterinary clinic intake notes (routine / soon / emergency).

Small BERT classifier trained with Lightning; the learning rate follows a fixed
per-epoch table agreed with the clinic's ML group (step decay, no warmup).
"""
import os
import tempfile

import torch
import lightning as L
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)
torch.set_num_threads(1)

NOTES = [
    ("dog ate chocolate two hours ago trembling", 2),
    ("cat due for annual vaccines no concerns", 0),
    ("rabbit not eating since yesterday small droppings", 1),
    ("puppy hit by car bleeding from leg", 2),
    ("senior dog lump on flank slowly growing", 1),
    ("kitten needs second deworming dose", 0),
    ("cat straining in litter box no urine", 2),
    ("dog itchy ears head shaking one week", 1),
    ("parrot nail trim requested", 0),
    ("horse colic rolling and sweating", 2),
    ("dog limping after walk weight bearing", 1),
    ("guinea pig routine health check", 0),
]
URGENCY = ["routine", "soon", "emergency"]


def write_vocab(folder):
    words = sorted({w for text, _ in NOTES for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class IntakeNotes(Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        self.rows, self.tok, self.max_len = rows, tokenizer, max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, urgency = self.rows[i]
        enc = self.tok(text, max_length=self.max_len, truncation=True, padding="max_length", return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(urgency)
        return item


def epoch_lr_table(base_lr, gamma, n_epochs):
    return torch.tensor([base_lr * gamma ** e for e in range(n_epochs)])


class TriageModule(L.LightningModule):
    def __init__(self, vocab_size, n_epochs, base_lr=5e-4, gamma=0.5):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32, num_labels=len(URGENCY))
        self.bert = BertForSequenceClassification(cfg)
        self.register_buffer("lr_table", epoch_lr_table(base_lr, gamma, n_epochs))

    def on_train_batch_start(self, batch, batch_idx):
        lr = self.lr_table[self.current_epoch].item()
        for group in self.optimizers().param_groups:
            group["lr"] = lr

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        acc = (out.logits.argmax(-1) == batch["labels"]).float().mean()
        self.log_dict({"train_loss": out.loss, "train_acc": acc}, on_epoch=True, on_step=False)
        return out.loss

    def on_train_epoch_end(self):
        m = self.trainer.callback_metrics
        print(f"epoch {self.current_epoch}: loss={m['train_loss']:.3f} acc={m['train_acc']:.2f} "
              f"lr={self.optimizers().param_groups[0]['lr']:.2e}")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.base_lr, weight_decay=0.01)


def main():
    n_epochs = 3
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="vet_vocab_")))
    loader = DataLoader(IntakeNotes(NOTES, tok), batch_size=3, shuffle=True)
    module = TriageModule(tok.vocab_size, n_epochs)
    trainer = L.Trainer(max_epochs=n_epochs, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(module, loader)
    module.eval()
    with torch.no_grad():
        probe = tok(["cat vomiting and bleeding", "dog vaccines due"], padding=True, return_tensors="pt")
        pred = module.bert(**probe).logits.argmax(-1).tolist()
    print("probe:", [URGENCY[p] for p in pred])


if __name__ == "__main__":
    main()
