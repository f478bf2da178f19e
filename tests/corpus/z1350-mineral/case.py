"""Crystal-system classifier for mineral specimen catalogue cards, with a word-rarity feature next to BERT's [CLS]."""
import math
import os
import tempfile
from abc import ABC, abstractmethod

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)
SYSTEMS = ["cubic", "hexagonal", "monoclinic"]

TRAIN_CARDS = [
    ("pyrite cubes striated brassy lustre", 0), ("galena cubes grey metallic cleavage", 0),
    ("fluorite octahedra purple translucent", 0), ("quartz prisms six sided clear", 1),
    ("beryl prisms hexagonal green", 1), ("apatite hexagonal prisms blue", 1),
    ("gypsum blades clear flexible", 2), ("orthoclase blocky pink cleavage", 2),
    ("azurite tabular deep blue", 2), ("halite cubes clear salty", 0),
]
TEST_CARDS = [("vanadinite hexagonal prisms red", 1), ("spinel octahedra red", 0), ("epidote prisms green striated", 2)]


class Vocabulary:
    def __init__(self, specials=("<pad>",)):
        self._stoi, self._itos, self.frozen = {}, [], False
        for tok in specials:
            self.add(tok)

    def add(self, word):
        if word not in self._stoi:
            if self.frozen:
                raise KeyError(f"vocabulary is frozen, cannot add {word!r}")
            self._stoi[word] = len(self._itos)
            self._itos.append(word)
        return self._stoi[word]

    def __len__(self):
        return len(self._itos)

    def lookup(self, word):
        if word in self._stoi:
            return self._stoi[word]
        return len(self) if self.frozen else self.add(word)

    def freeze(self):
        self.frozen = True


class CardDataset(Dataset, ABC):
    split = None

    def __init__(self, cards):
        self.cards = cards

    @abstractmethod
    def __len__(self): ...

    @abstractmethod
    def __getitem__(self, i): ...


class TrainCards(CardDataset):
    split = "train"

    def __len__(self):
        return len(self.cards)

    def __getitem__(self, i):
        return self.cards[i]


class TestCards(TrainCards):
    split = "test"


class Collator:
    def __init__(self, tokenizer, vocab, max_words=8):
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.max_words = max_words

    def __call__(self, items):
        texts, ys = zip(*items)
        enc = self.tokenizer(list(texts), padding=True, return_tensors="pt")
        word_ids = torch.zeros(len(texts), self.max_words, dtype=torch.long)
        for row, text in enumerate(texts):
            ids = [self.vocab.lookup(w) for w in text.split()[: self.max_words]]
            word_ids[row, : len(ids)] = torch.tensor(ids)
        return enc["input_ids"], enc["attention_mask"], word_ids, torch.tensor(ys)


class CardClassifier(L.LightningModule):
    def __init__(self, bert_config, idf):
        super().__init__()
        self.bert = BertModel(bert_config)
        self.register_buffer("idf", idf)
        self.head = nn.Linear(bert_config.hidden_size + 1, len(SYSTEMS))

    def forward(self, input_ids, attention_mask, word_ids):
        cls_vec = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        present = (word_ids > 0).float()
        rarity = (self.idf[word_ids] * present).sum(1) / present.sum(1).clamp(min=1)
        return self.head(torch.cat([cls_vec, rarity.unsqueeze(1)], dim=1))

    def training_step(self, batch, _):
        ids, att, words, ys = batch
        loss = nn.functional.cross_entropy(self(ids, att, words), ys)
        self.log("train_loss", loss)
        return loss

    def test_step(self, batch, _):
        ids, att, words, ys = batch
        acc = (self(ids, att, words).argmax(-1) == ys).float().mean()
        self.log("test_acc", acc)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)


def main():
    vocab = Vocabulary()
    doc_freq = {}
    for text, _ in TRAIN_CARDS:
        for w in set(text.split()):
            vocab.add(w)
            doc_freq[w] = doc_freq.get(w, 0) + 1
    vocab.freeze()  # test cards must not leak into the rarity statistics
    idf = torch.zeros(len(vocab))
    for w, df in doc_freq.items():
        idf[vocab.lookup(w)] = math.log(len(TRAIN_CARDS) / df) + 1.0
    print(f"word vocabulary: {len(vocab)} entries (frozen={vocab.frozen})")

    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    pieces = sorted({w for t, _ in TRAIN_CARDS + TEST_CARDS for w in t.split()})
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + pieces))
    tokenizer = BertTokenizer(vocab_path)

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)
    model = CardClassifier(cfg, idf)
    collate = Collator(tokenizer, vocab)
    train_dl = DataLoader(TrainCards(TRAIN_CARDS), batch_size=4, shuffle=True, collate_fn=collate)
    test_dl = DataLoader(TestCards(TEST_CARDS), batch_size=4, collate_fn=collate)

    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, train_dl)
    print(trainer.test(model, test_dl, verbose=False))


if __name__ == "__main__":
    main()
