"""Hive inspection note tagger (queen status, pests, treatments, frame counts).

Inspectors dictate notes that we transcribe word by word; each word carries a
BIO tag. A tiny BERT token classifier is trained with Lightning.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

L.seed_everything(21, verbose=False)

MAX_TOKENS = 32
LABELS = ["O", "B-QUEEN", "I-QUEEN", "B-PEST", "I-PEST", "B-TREATMENT", "I-TREATMENT", "B-COUNT"]
LABEL_IDS = {name: i for i, name in enumerate(LABELS)}


@dataclass
class InspectionNote:
    words: list
    tags: list


def note(text, *phrases):
    words = text.split()
    tags = ["O"] * len(words)
    for phrase, kind in phrases:
        span = phrase.split()
        for i in range(len(words) - len(span) + 1):
            if words[i:i + len(span)] == span:
                tags[i:i + len(span)] = [f"B-{kind}"] + [f"I-{kind}"] * (len(span) - 1)
                break
    return InspectionNote(words, tags)


NOTES = [
    note("queen seen marked yellow laying well eight frames brood",
         ("queen seen", "QUEEN"), ("eight", "COUNT")),
    note("varroa drop heavy on insert applied oxalic acid trickle",
         ("varroa", "PEST"), ("oxalic acid trickle", "TREATMENT")),
    note("no queen found emergency supersedure cells drawn on frame four",
         ("no queen found", "QUEEN"), ("supersedure cells", "QUEEN")),
    note("small hive beetle larvae in corners of the brood chamber inserted beetle traps "
         "under the crownboard colony otherwise strong twelve frames covered with bees "
         "plenty of capped stores sealed honey in both supers wax moth damage on old "
         "comb removed drone brood frame and checked again for varroa mites afterwards",
         ("small hive beetle", "PEST"), ("beetle traps", "TREATMENT"), ("twelve", "COUNT"),
         ("wax moth", "PEST"), ("drone brood frame", "TREATMENT"), ("varroa mites", "PEST")),
    note("chalkbrood mummies at entrance requeened with local mated queen",
         ("chalkbrood", "PEST"), ("local mated queen", "QUEEN")),
    note("thymol wafers placed six frames of brood nosema suspected",
         ("thymol wafers", "TREATMENT"), ("six", "COUNT"), ("nosema", "PEST")),
]


def make_tokenizer():
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for w in sorted({w for n in NOTES for w in n.words}):
        vocab += [w] if len(w) < 6 else [w[:3], "##" + w[3:]]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(dict.fromkeys(vocab)) + "\n")
    return BertTokenizerFast(path)


def make_collate(tokenizer):
    def collate(batch):
        word_lists = [n.words[:MAX_TOKENS] for n in batch]
        enc = tokenizer(word_lists, is_split_into_words=True, padding=True, return_tensors="pt")
        targets = []
        for row, n in enumerate(batch):
            prev, row_targets = None, []
            for wid in enc.word_ids(row):
                first_piece = wid is not None and wid != prev
                row_targets.append(LABEL_IDS[n.tags[wid]] if first_piece else -100)
                prev = wid
            targets.append(row_targets)
        enc["labels"] = torch.tensor(targets)
        return enc
    return collate


class HiveTagger(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_TOKENS, num_labels=len(LABELS))
        self.net = BertForTokenClassification(cfg)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    tokenizer = make_tokenizer()
    print(f"{len(NOTES)} notes, longest has {max(len(n.words) for n in NOTES)} words")
    loader = DataLoader(NOTES, batch_size=2, shuffle=False, collate_fn=make_collate(tokenizer))
    tagger = HiveTagger(tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(tagger, loader)
    print("finished; last loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
