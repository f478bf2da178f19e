"""Route railway signalling fault tickets to the right maintenance crew.

Tiny BERT from a config, trained on a handful of depot tickets as a smoke test
before the real ticket export is wired in.
"""
import logging
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("signal-faults")

TICKETS = [
    ("track circuit showing occupied with no train present after heavy rain", "track_circuit"),
    ("points failed to detect in reverse position at junction north", "points"),
    ("signal lamp out aspect dark on approach to platform two", "signal_lamp"),
    ("axle counter reset required after power dip at relay room", "axle_counter"),
    ("level crossing barrier stuck half lowered motor overheating", "level_crossing"),
    ("interlocking relay chattering intermittent route release failure", "interlocking"),
    ("points heater not working frozen switch blades", "points"),
    ("red aspect flickering lamp proving relay dropping out", "signal_lamp"),
    ("crossing lights not flashing road traffic approaching", "level_crossing"),
    ("track circuit bobbing broken rail suspected down line", "track_circuit"),
]


class BaseExperiment:
    LABELS = ("track_circuit", "points", "signal_lamp", "axle_counter")
    NUM_LABELS = 4
    HIDDEN = 32
    MAX_LEN = 48
    BATCH = 4
    EPOCHS = 3

    def __init__(self, tmpdir=None, **kwargs):
        super().__init__(**kwargs)
        self.tmpdir = tmpdir or tempfile.mkdtemp()
        self.label2id = {name: i for i, name in enumerate(self.LABELS)}
        self.tokenizer = self.build_tokenizer()
        self.model = self.build_model()

    def build_tokenizer(self):
        vocab = sorted({w for text, _ in TICKETS for w in text.split()})
        vocab_path = os.path.join(self.tmpdir, "vocab.txt")
        with open(vocab_path, "w") as f:
            f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
        return BertTokenizer(vocab_path)

    def build_model(self):
        config = BertConfig(
            vocab_size=self.tokenizer.vocab_size, hidden_size=self.HIDDEN, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=self.MAX_LEN,
            num_labels=self.NUM_LABELS,
        )
        return BertForSequenceClassification(config)

    def make_batch(self, rows):
        enc = self.tokenizer([r[0] for r in rows], padding=True, truncation=True,
                             max_length=self.MAX_LEN, return_tensors="pt")
        enc["labels"] = torch.tensor([self.label2id[r[1]] for r in rows], dtype=torch.long)
        return enc

    def compute_loss(self, batch):
        out = self.model(**batch)
        return out.loss, out.logits

    def fit(self, rows):
        loader = DataLoader(rows, batch_size=self.BATCH, shuffle=True, collate_fn=self.make_batch,
                            generator=torch.Generator().manual_seed(0))
        optim = torch.optim.AdamW(self.model.parameters(), lr=3e-4)
        for epoch in range(self.EPOCHS):
            self.model.train()
            correct = total = 0
            for batch in loader:
                loss, logits = self.compute_loss(batch)
                optim.zero_grad()
                loss.backward()
                optim.step()
                correct += (logits.argmax(-1) == batch["labels"]).sum().item()
                total += len(batch["labels"])
            log.info("epoch %d loss %.4f acc %.2f", epoch, loss.item(), correct / total)
        return self


class CheckpointMixin:
    def fit(self, rows):
        result = super().fit(rows)
        path = os.path.join(self.tmpdir, "ckpt")
        self.model.save_pretrained(path)
        log.info("saved model to %s", path)
        return result


class SignalFaultExperiment(CheckpointMixin, BaseExperiment):
    # crossings and interlockings now come in through the same ticket queue
    LABELS = BaseExperiment.LABELS + ("level_crossing", "interlocking")
    EPOCHS = 4

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        log.info("labels: %s", ", ".join(f"{k}={v}" for k, v in self.label2id.items()))


if __name__ == "__main__":
    torch.manual_seed(21)
    exp = SignalFaultExperiment()
    exp.fit(TICKETS)
    log.info("finished")
