"""Multi-label article tagging: a tiny BERT wrapped in a LightningModule."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

TOPICS = ["politics", "economy", "sport", "health", "tech"]
ARTICLES = [
    ("parliament votes on the new budget", ["politics", "economy"]),
    ("striker injured before the final", ["sport", "health"]),
    ("startup raises money for a fitness app", ["tech", "economy", "health"]),
    ("minister resigns after data leak", ["politics", "tech"]),
    ("inflation slows for the third month", ["economy"]),
    ("marathon runners warned about the heat", ["sport", "health"]),
]


class ArticleTags(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, tags = self.rows[idx]
        enc = self.tokenizer(text, truncation=True, max_length=40)
        tag_ids = torch.tensor([TOPICS.index(t) for t in tags])
        enc["labels"] = F.one_hot(tag_ids, num_classes=len(TOPICS)).sum(dim=0).float()  # multi-hot vector
        return enc


def make_collate(tokenizer):
    def collate(features):
        targets = torch.stack([f.pop("labels") for f in features])
        batch = tokenizer.pad(features, return_tensors="pt")
        batch["labels"] = targets
        return batch
    return collate


class TagModel(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=37, max_position_embeddings=64, num_labels=len(TOPICS),
                         problem_type="multi_label_classification")
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        loss = self.bert(**batch).loss
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(0, verbose=False)
    tmp = tempfile.mkdtemp()
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        words = sorted({w for text, _ in ARTICLES for w in text.split()})
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(tmp, "vocab.txt"))

    loader = DataLoader(ArticleTags(ARTICLES, tokenizer), batch_size=3, shuffle=True,
                        collate_fn=make_collate(tokenizer))
    trainer = L.Trainer(max_steps=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, default_root_dir=tmp)
    trainer.fit(TagModel(len(tokenizer)), loader)
    print("fit finished")


if __name__ == "__main__":
    main()
