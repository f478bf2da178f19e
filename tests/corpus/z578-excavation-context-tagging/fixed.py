"""
Token tagger for excavation context sheets: marks materials, periods and
feature types in the free-text "description" field so finds can be indexed
without someone re-reading every sheet.
"""
import os
import tempfile
import warnings

import torch
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

warnings.filterwarnings("ignore", ".*does not have many workers.*")
L.seed_everything(5, verbose=False)

TAGS = ["O", "MAT", "PER", "FEAT"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
IGNORE = -100
MAX_TAGS = 24  # generous; real sheets rarely run longer

SHEETS = [
    ("fill of pit with charred grain and roman pottery sherds", "O O FEAT O O MAT O PER MAT MAT"),
    ("posthole cut into natural clay", "FEAT O O O MAT"),
    ("ditch fill containing iron nails and medieval tile", "FEAT O O MAT MAT O PER MAT"),
    ("hearth of burnt stone neolithic", "FEAT O O MAT PER"),
    ("bronze age cremation urn in shallow pit", "PER PER O MAT O O FEAT"),
    ("wall foundation of limestone blocks", "FEAT O O MAT O"),
    ("roman coin from ditch fill", "PER MAT O FEAT O"),
    ("layer of oyster shell", "O O MAT MAT"),
]


class ContextSheetTagger(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(TAGS),
        )
        self.bert = BertForTokenClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def sheet_tokenizer(folder):
    words = sorted({w for text, _ in SHEETS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def tag_row(tag_string, width):
    # [CLS] and [SEP] never get a tag
    ids = [IGNORE] + [TAG2ID[t] for t in tag_string.split()] + [IGNORE]
    return ids + [IGNORE] * (width - len(ids))


class SheetCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, rows):
        word_lists = [text.split() for text, _ in rows]
        enc = self.tokenizer(word_lists, is_split_into_words=True, padding=True, return_tensors="pt")
        tag_ids = torch.tensor([tag_row(tags, enc["input_ids"].shape[1]) for _, tags in rows])
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "labels": tag_ids,
        }


def main():
    tmp = tempfile.mkdtemp(prefix="ctxsheet_")
    tok = sheet_tokenizer(tmp)
    for text, tags in SHEETS:
        assert len(text.split()) == len(tags.split()), text

    loader = DataLoader(SHEETS * 4, batch_size=4, shuffle=True, collate_fn=SheetCollator(tok))
    first = next(iter(loader))
    print({k: tuple(v.shape) for k, v in first.items()})

    model = ContextSheetTagger(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
