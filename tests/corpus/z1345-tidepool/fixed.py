# Intertidal survey notes -> shore zone classifier, trained with accelerate on a toy BERT.
import abc
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

set_seed(11)
random.seed(11)

ZONES = ["splash", "upper", "middle", "lower"]

SURVEY_NOTES = [
    ("periwinkles clustered in dry crevices above barnacle line", "splash"),
    ("dense acorn barnacles with scattered limpets on bare rock", "upper"),
    ("mussel bed with dog whelks feeding among the shells", "middle"),
    ("kelp holdfasts and brittle stars under overhanging ledge", "lower"),
    ("black lichen crust only wetted by spray at high tide", "splash"),
    ("channelled wrack drying out on sunny granite", "upper"),
    ("beadlet anemones closed up in shallow pools", "middle"),
    ("sea urchins grazing coralline crust near low water mark", "lower"),
    ("limpets", "upper"),
    ("shore crabs hiding under boulders with serrated wrack", "middle"),
]


class Vocabulary:
    def __init__(self):
        self.word2id = {}
        self.frozen = False
        for special in ("<pad>", "<unk>", "<cls>", "<sep>"):
            self.add(special)

    def add(self, word):
        if word not in self.word2id and not self.frozen:
            self.word2id[word] = len(self.word2id)
        return self.lookup(word)

    def lookup(self, word):
        if word in self.word2id:
            return self.word2id[word]
        return self.word2id["<unk>"]

    def __len__(self):
        return len(self.word2id)

    def freeze(self):
        self.frozen = True


class SurveyDataset(Dataset, abc.ABC):
    lowercase = True

    def __init__(self, notes, vocab):
        self.notes = notes
        self.vocab = vocab

    def tokens(self, text):
        words = text.lower().split() if self.lowercase else text.split()
        return [self.vocab.lookup("<cls>")] + [self.vocab.lookup(w) for w in words] + [self.vocab.lookup("<sep>")]


class ZoneDataset(SurveyDataset):
    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        text, zone = self.notes[i]
        return self.tokens(text), ZONES.index(zone)


class Collator:
    """Pads every batch to a fixed width so shapes stay static across steps."""

    def __init__(self, pad_id, max_length=16):
        self.pad_id = pad_id
        self.max_length = max_length

    def __call__(self, batch):
        seqs, zones = zip(*batch)
        lengths = torch.tensor([len(s) for s in seqs])
        ids = torch.full((len(seqs), self.max_length), self.pad_id, dtype=torch.long)
        for row, seq in enumerate(seqs):
            ids[row, : len(seq)] = torch.tensor(seq[: self.max_length])
        visible = (torch.arange(self.max_length)[None, :] < lengths[:, None]).long()
        return {"ids": ids, "visible": visible, "zone": torch.tensor(zones)}


@dataclass
class RunCfg:
    batch_size: int = 4
    lr: float = 3e-4
    epochs: int = 2


class ZoneClassifier(nn.Module):
    def __init__(self, vocab_size, n_zones):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, n_zones)

    def forward(self, ids, visible):
        states = self.encoder(input_ids=ids, attention_mask=visible).last_hidden_state
        return self.head(states[:, 0])


def main():
    run = RunCfg()
    vocab = Vocabulary()
    for text, _ in SURVEY_NOTES:
        for w in text.lower().split():
            vocab.add(w)
    vocab.freeze()

    data = ZoneDataset(SURVEY_NOTES, vocab)
    loader = DataLoader(data, batch_size=run.batch_size, shuffle=True,
                        collate_fn=Collator(vocab.lookup("<pad>")))

    accelerator = Accelerator(cpu=True)
    model = ZoneClassifier(len(vocab), len(ZONES))
    optim = torch.optim.AdamW(model.parameters(), lr=run.lr)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(run.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["ids"], batch["visible"])
            loss = loss_fn(logits, batch["zone"])
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("done, vocab size", len(vocab))


if __name__ == "__main__":
    main()
