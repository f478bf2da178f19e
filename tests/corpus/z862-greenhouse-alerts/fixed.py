# Routes free-text alerts from the orchid greenhouse controllers to the right
# crew (climate / irrigation / pests) with a small transformer classifier.
import functools
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

CREWS = ["climate", "irrigation", "pests"]

ALERTS = [
    ("humidity dropped below setpoint in house 3", 0),
    ("fogger nozzle blocked bench 12 dry", 1),
    ("thrips on phalaenopsis buds", 2),
    ("night temperature too high vents stuck", 0),
    ("drip line pressure low zone b", 1),
    ("scale insects found under leaves bench 4", 2),
    ("shade screen failed to close midday heat", 0),
    ("bark medium waterlogged pots not draining", 1),
]


class AlertTokenizer:
    def __init__(self, texts):
        self._pad_id = 0
        self._lookup = {"<pad>": 0, "<unk>": 1}
        for t in texts:
            for w in t.split():
                self._lookup.setdefault(w, len(self._lookup))

    def get_pad_id(self):
        return self._pad_id

    def get_vocab_size(self):
        return len(self._lookup)

    def encode(self, text):
        return [self._lookup.get(w, 1) for w in text.split()]


def collate_alerts(rows, tokenizer):
    encoded = [tokenizer.encode(text) for text, _ in rows]
    width = max(len(e) for e in encoded)
    token_ids = torch.full((len(rows), width), tokenizer.get_pad_id(), dtype=torch.long)
    attention_mask = torch.zeros(len(rows), width, dtype=torch.long)
    for i, e in enumerate(encoded):
        token_ids[i, :len(e)] = torch.tensor(e)
        attention_mask[i, :len(e)] = 1
    crew = torch.tensor([c for _, c in rows])
    return {"token_ids": token_ids, "attention_mask": attention_mask, "crew": crew}


class AlertClassifier(nn.Module):
    def __init__(self, vocab_size, num_crews, width=32):
        super().__init__()
        self._embedding = nn.Embedding(vocab_size, width, padding_idx=0)
        self._position = nn.Embedding(32, width)
        block = nn.TransformerEncoderLayer(width, nhead=4, dim_feedforward=64, batch_first=True)
        self._body = nn.TransformerEncoder(block, num_layers=2, enable_nested_tensor=False)
        self._out = nn.Linear(width, num_crews)

    def forward(self, token_ids, attention_mask):
        positions = torch.arange(token_ids.size(1)).unsqueeze(0)
        x = self._embedding(token_ids) + self._position(positions)
        x = self._body(x, src_key_padding_mask=attention_mask == 0)
        weights = attention_mask.unsqueeze(-1).float()
        pooled = (x * weights).sum(1) / weights.sum(1)
        return self._out(pooled)


class AbstractTrainer:
    def __init__(self):
        self._step_count = 0

    def run(self):
        self.prepare_data()
        self.build_model()
        for epoch in range(self.get_num_epochs()):
            for batch in self.get_loader():
                loss = self.train_step(batch)
                self._step_count += 1
            print(f"epoch={epoch} steps={self._step_count} last_loss={loss:.3f}")
        self.evaluate()

    def get_num_epochs(self):
        raise NotImplementedError

    def prepare_data(self):
        raise NotImplementedError

    def build_model(self):
        raise NotImplementedError

    def get_loader(self):
        raise NotImplementedError

    def train_step(self, batch):
        raise NotImplementedError

    def evaluate(self):
        raise NotImplementedError


class GreenhouseAlertTrainer(AbstractTrainer):
    def __init__(self, batch_size):
        super().__init__()
        self._batch_size = batch_size
        self._tokenizer = None
        self._loader = None
        self._net = None
        self._opt = None

    def get_batch_size(self):
        return self._batch_size

    def get_num_epochs(self):
        return 5

    def prepare_data(self):
        self._tokenizer = AlertTokenizer([t for t, _ in ALERTS])
        collate = functools.partial(collate_alerts, tokenizer=self._tokenizer)
        self._loader = DataLoader(ALERTS, batch_size=self.get_batch_size(), shuffle=True, collate_fn=collate)
        print(f"{len(ALERTS)} alerts, vocab={self._tokenizer.get_vocab_size()}")

    def build_model(self):
        self._net = AlertClassifier(self._tokenizer.get_vocab_size(), len(CREWS))
        self._opt = torch.optim.Adam(self._net.parameters(), lr=2e-3)

    def get_loader(self):
        return self._loader

    def train_step(self, batch):
        self._net.train()
        logits = self._net(batch["token_ids"], batch["attention_mask"])
        loss = nn.functional.cross_entropy(logits, batch["crew"])
        self._opt.zero_grad()
        loss.backward()
        self._opt.step()
        return loss.item()

    def evaluate(self):
        self._net.eval()
        batch = collate_alerts(ALERTS, self._tokenizer)
        with torch.no_grad():
            guess = self._net(batch["token_ids"], batch["attention_mask"]).argmax(-1)
        acc = (guess == batch["crew"]).float().mean().item()
        print(f"train accuracy {acc:.2f}: {[CREWS[g] for g in guess.tolist()]}")


class Main:
    @staticmethod
    def main():
        random.seed(3)
        torch.manual_seed(3)
        GreenhouseAlertTrainer(batch_size=4).run()


if __name__ == "__main__":
    Main.main()
