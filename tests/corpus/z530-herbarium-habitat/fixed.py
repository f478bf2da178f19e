"""Guess the collection habitat from transcribed herbarium sheet labels.

Digitisation volunteers transcribe the label on each pressed specimen; we want a
quick habitat tag (wetland / woodland / alpine / coastal) to route sheets to the
right curator. Tiny BERT trained from scratch with PyTorch Lightning.
"""
import os
import tempfile
import functools

import torch
import lightning as L
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(2024, verbose=False)

HABITATS = ["wetland", "woodland", "alpine", "coastal"]
SHEETS = [
    ("carex growing at margin of peat bog standing water", "wetland"),
    ("under oak and beech canopy on acid soil shaded bank", "woodland"),
    ("scree slope above tree line near summit cairn", "alpine"),
    ("shingle beach above strand line salt spray", "coastal"),
    ("reed bed beside drainage ditch flooded in winter", "wetland"),
    ("ancient woodland ride among bluebells", "woodland"),
    ("crevice of north facing cliff at high altitude snow patch", "alpine"),
    ("dune slack behind foredune sandy ground", "coastal"),
    ("sphagnum lawn in raised bog", "wetland"),
    ("conifer plantation edge needle litter", "woodland"),
    ("alpine meadow grazed by sheep late snow", "alpine"),
    ("saltmarsh creek edge tidal mud", "coastal"),
]
MAX_LEN = 48


def make_tokenizer():
    words = sorted({w for text, _ in SHEETS for w in text.split()})
    folder = tempfile.mkdtemp(prefix="herbarium_")
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return BertTokenizer(vocab_file)


class SheetDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.items = []
        for text, habitat in rows:
            ids = tokenizer.encode(text, truncation=True, max_length=MAX_LEN)
            self.items.append({"ids": ids, "habitat": HABITATS.index(habitat)})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_batch(samples, pad_id, max_len):
    longest = max(len(s["ids"]) for s in samples)
    tokens = torch.tensor([s["ids"] + [pad_id] * (longest - len(s["ids"])) for s in samples])
    keep = torch.tensor([[1] * len(s["ids"]) + [0] * (longest - len(s["ids"])) for s in samples])
    target = torch.tensor([s["habitat"] for s in samples])
    return tokens, keep, target


class HabitatTagger(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(HABITATS))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        tokens, keep, target = batch
        out = self.bert(input_ids=tokens, attention_mask=keep, labels=target)
        self.log("train_loss", out.loss, prog_bar=False)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tokenizer = make_tokenizer()
    ds = SheetDataset(SHEETS, tokenizer)
    collate = functools.partial(pad_batch, pad_id=tokenizer.pad_token_id, max_len=MAX_LEN)
    loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=collate)
    print(f"{len(ds)} sheets, vocab {tokenizer.vocab_size}")

    model = HabitatTagger(tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)

    model.eval()
    tokens, keep, _ = collate([ds[2], ds[7]])
    with torch.no_grad():
        guess = model.bert(input_ids=tokens, attention_mask=keep).logits.argmax(-1)
    print("habitat guesses:", [HABITATS[g] for g in guess.tolist()])


if __name__ == "__main__":
    main()
