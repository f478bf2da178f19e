"""Tag fields on transcribed herbarium specimen labels (collector, locality, date, taxon).

Token classification with a tiny BERT encoder wrapped in a LightningModule.
Config comes from the environment so the digitisation pipeline can override it.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

try:
    import lightning as L
except ImportError:  # older installs
    import pytorch_lightning as L

os.environ.setdefault("LABEL_TAGS", "O,COLLECTOR,LOCALITY,DATE,TAXON")
os.environ.setdefault("MAX_LEN", "24")
os.environ.setdefault("BATCH_SIZE", "2")


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


def env_list(name):
    return [x.strip() for x in os.environ.get(name, "").split(",") if x.strip()]


# (words, tags) straight from the transcription sheet
SHEETS = [
    ("Quercus robur leg. J. Smith Wytham Woods 12 May 1931".split(),
     ["TAXON", "TAXON", "O", "COLLECTOR", "COLLECTOR", "LOCALITY", "LOCALITY", "DATE", "DATE", "DATE"]),
    ("Carex flacca coll. M. Okafor chalk downland near Lewes 3 June 1962".split(),
     ["TAXON", "TAXON", "O", "COLLECTOR", "COLLECTOR", "LOCALITY", "LOCALITY", "LOCALITY", "LOCALITY",
      "DATE", "DATE", "DATE"]),
    ("leg. A. Petrova Ranunculus acris wet meadow 1958".split(),
     ["O", "COLLECTOR", "COLLECTOR", "TAXON", "TAXON", "LOCALITY", "LOCALITY", "DATE"]),
    ("Festuca rubra dunes at Braunton coll. R. Hale 1977".split(),
     ["TAXON", "TAXON", "LOCALITY", "LOCALITY", "LOCALITY", "O", "COLLECTOR", "COLLECTOR", "DATE"]),
]


def make_tokenizer():
    words = sorted({w.lower() for ws, _ in SHEETS for w in ws})
    path = os.path.join(tempfile.mkdtemp(prefix="herbarium_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class SheetDataset(Dataset):
    def __init__(self, sheets, tokenizer, tag_ids, max_len):
        self.items = []
        for words, tags in sheets:
            enc = tokenizer(words, is_split_into_words=True, truncation=True,
                            padding="max_length", max_length=max_len, return_tensors="pt")
            word_map = enc.word_ids(0)
            gold = [-100 if w is None else tag_ids[tags[w]] for w in word_map]
            self.items.append({
                "input_ids": enc["input_ids"][0],
                "attention_mask": enc["attention_mask"][0],
                "tag_targets": torch.tensor(gold, dtype=torch.long),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class LabelTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.tag_head = torch.nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.tag_head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(scores.transpose(1, 2), batch["tag_targets"], ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(5)
    tag_names = env_list("LABEL_TAGS")
    tag_ids = {t: i for i, t in enumerate(tag_names)}
    tokenizer = make_tokenizer()

    ds = SheetDataset(SHEETS, tokenizer, tag_ids, env_int("MAX_LEN", 24))
    loader = DataLoader(ds, batch_size=env_int("BATCH_SIZE", 2), shuffle=True)
    print(f"{len(ds)} sheets, {len(tag_names)} tags, seq len {env_int('MAX_LEN', 24)}")

    model = LabelTagger(tokenizer.vocab_size, len(tag_names))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, loader)
    print("tagger trained")


if __name__ == "__main__":
    main()
