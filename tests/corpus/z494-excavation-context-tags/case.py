"""Tag words in archaeological excavation context sheets (finds, materials,
stratigraphic layers) with a tiny BERT token classifier in Lightning."""
import os
import tempfile
from dataclasses import dataclass

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

L.seed_everything(3, verbose=False)

TAGS = ["O", "FIND", "MATERIAL", "LAYER"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}


@dataclass
class ContextSheet:
    words: list
    tags: list


RAW_SHEETS = [
    "rim/FIND sherd/FIND of coarse bronze/MATERIAL recovered from context/LAYER 104/LAYER",
    "charcoal/MATERIAL spread sealed by context/LAYER 98/LAYER",
    "single flint/MATERIAL scraper/FIND in topsoil/LAYER",
    "iron/MATERIAL nail/FIND and bone/MATERIAL pin/FIND found beneath the collapse/LAYER of wall 12",
    "ditch/LAYER fill/LAYER produced no finds",
    "glass/MATERIAL bead/FIND near base of pit/LAYER 7/LAYER",
    "burnt/MATERIAL daub/MATERIAL fragments throughout upper fill/LAYER",
    "amber/MATERIAL pendant/FIND lying on natural/LAYER clay/LAYER",
]


def parse_sheet(line):
    words, tags = [], []
    for chunk in line.split():
        word, _, tag = chunk.partition("/")
        words.append(word.lower())
        tags.append(tag or "O")
    return ContextSheet(words, tags)


def vocab_from(sheets, folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for s in sheets for w in s.words})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class SheetCollator:
    def __init__(self, tokenizer, ignore_index=-100):
        self.tokenizer = tokenizer
        self.ignore_index = ignore_index

    def __call__(self, sheets):
        enc = self.tokenizer([s.words for s in sheets], is_split_into_words=True,
                             padding=True, return_tensors="pt")
        width = max(len(s.tags) for s in sheets)
        tag_rows = []
        for s in sheets:
            ids = [TAG2ID[t] for t in s.tags]
            tag_rows.append(ids + [self.ignore_index] * (width - len(ids)))
        enc["labels"] = torch.tensor(tag_rows)
        return dict(enc)


class ContextTagger(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(TAGS))
        self.model = BertForTokenClassification(cfg)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.model(**batch)
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: loss={out.loss.item():.4f}")
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    sheets = [parse_sheet(line) for line in RAW_SHEETS]
    print(f"{len(sheets)} context sheets, {sum(len(s.words) for s in sheets)} words")

    workdir = tempfile.mkdtemp(prefix="contexts_")
    tokenizer = BertTokenizer(vocab_from(sheets, workdir))

    loader = DataLoader(sheets, batch_size=4, shuffle=True, collate_fn=SheetCollator(tokenizer))
    tagger = ContextTagger(vocab_size=len(tokenizer))

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(tagger, train_dataloaders=loader)

    tagger.eval()
    probe = parse_sheet("bronze pin in context 104")
    enc = tokenizer([probe.words], is_split_into_words=True, return_tensors="pt")
    with torch.no_grad():
        pred = tagger.model(**enc).logits.argmax(-1)[0].tolist()
    print(list(zip(tokenizer.convert_ids_to_tokens(enc["input_ids"][0]), [TAGS[p] for p in pred])))


if __name__ == "__main__":
    main()
