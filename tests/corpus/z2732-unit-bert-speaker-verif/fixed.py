import os
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, Sampler
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
np.random.seed(0)
random.seed(0)

HERE = os.path.dirname(os.path.abspath(__file__))
N_UNITS = 48
N_SPEAKERS = 6
N_MELS = 20


@dataclass
class HParams:
    hidden: int = 32
    lr: float = 3e-4
    epochs: int = 2
    pairs_per_batch: int = 4
    frames_min: int = 12
    frames_max: int = 24
    n_enroll: int = 2


def write_unit_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    units = [f"u{i}" for i in range(N_UNITS)]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + units) + "\n")


def quantize(spec, codebook):
    d = torch.cdist(spec, codebook)
    return d.argmin(-1).tolist()


class UnitUtterances(Dataset):
    def __init__(self, hp, n_utts, codebook):
        self.items = []
        centers = torch.randn(N_SPEAKERS, N_MELS)
        for _ in range(n_utts):
            spk = random.randrange(N_SPEAKERS)
            T = random.randint(hp.frames_min, hp.frames_max)
            spec = centers[spk] + 0.7 * torch.randn(T, N_MELS)
            units = quantize(spec, codebook)
            self.items.append((spk, " ".join(f"u{u}" for u in units)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, group):
        return [self.items[i] for i in group]


class TrialSampler(Sampler):
    """Yields (enroll..., test) index groups; half target, half non-target."""

    def __init__(self, dataset, hp, n_trials, seed=0):
        self.by_spk = {}
        for i, (spk, _) in enumerate(dataset.items):
            self.by_spk.setdefault(spk, []).append(i)
        self.hp = hp
        self.n_trials = n_trials
        self.seed = seed

    def __iter__(self):
        rng = random.Random(self.seed)
        spks = [s for s, v in self.by_spk.items() if len(v) > self.hp.n_enroll]
        for t in range(self.n_trials):
            spk = rng.choice(spks)
            enroll_and_test = rng.sample(self.by_spk[spk], self.hp.n_enroll + 1)
            if t % 2:
                other = rng.choice([s for s in spks if s != spk])
                enroll_and_test[-1] = rng.choice(self.by_spk[other])
            yield enroll_and_test

    def __len__(self):
        return self.n_trials


def make_collate(tokenizer):
    def collate(groups):
        ids, segs, labels = [], [], []
        for utts in groups:
            row = [tokenizer.cls_token_id]
            seg_ids = [0]
            for seg, (_, text) in enumerate(utts):
                piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text))
                row += piece + [tokenizer.sep_token_id]
                seg_ids += [int(seg == len(utts) - 1)] * (len(piece) + 1)
            ids.append(torch.tensor(row))
            segs.append(torch.tensor(seg_ids))
            labels.append(float(utts[0][0] == utts[-1][0]))
        input_ids = nn.utils.rnn.pad_sequence(ids, batch_first=True, padding_value=tokenizer.pad_token_id)
        token_type_ids = nn.utils.rnn.pad_sequence(segs, batch_first=True, padding_value=0)
        return {
            "input_ids": input_ids,
            "token_type_ids": token_type_ids,
            "attention_mask": (input_ids != tokenizer.pad_token_id).long(),
            "label": torch.tensor(labels),
        }
    return collate


class VerifierModule(nn.Module):
    def __init__(self, hp, vocab_size):
        super().__init__()
        self.hp = hp
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hp.hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(hp.hidden, 1)

    def forward(self, batch):
        out = self.encoder(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                           attention_mask=batch["attention_mask"])
        return self.head(out.pooler_output).squeeze(-1)

    def training_step(self, batch, batch_idx):
        logits = self(batch)
        return F.binary_cross_entropy_with_logits(logits, batch["label"])

    def validation_step(self, batch, batch_idx):
        with torch.no_grad():
            logits = self(batch)
        return {"val_loss": F.binary_cross_entropy_with_logits(logits, batch["label"]).item(),
                "correct": ((logits > 0).float() == batch["label"]).sum().item(),
                "n": len(batch["label"])}

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hp.lr)


def fit(module, train_dl, val_dl, epochs):
    opt = module.configure_optimizers()
    for epoch in range(epochs):
        module.train()
        for i, batch in enumerate(train_dl):
            loss = module.training_step(batch, i)
            opt.zero_grad()
            loss.backward()
            opt.step()
        module.eval()
        outs = [module.validation_step(b, i) for i, b in enumerate(val_dl)]
        acc = sum(o["correct"] for o in outs) / sum(o["n"] for o in outs)
        print(f"epoch {epoch} val_loss {np.mean([o['val_loss'] for o in outs]):.3f} acc {acc:.3f}")


def main():
    hp = HParams()
    vocab_path = os.path.join(HERE, "units_vocab.txt")
    write_unit_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)
    codebook = torch.randn(N_UNITS, N_MELS)
    train_ds = UnitUtterances(hp, 120, codebook)
    val_ds = UnitUtterances(hp, 40, codebook)
    train_dl = DataLoader(train_ds, batch_size=hp.pairs_per_batch,
                          sampler=TrialSampler(train_ds, hp, 32),
                          collate_fn=make_collate(tokenizer))
    val_dl = DataLoader(val_ds, batch_size=hp.pairs_per_batch,
                        sampler=TrialSampler(val_ds, hp, 12, seed=1),
                        collate_fn=make_collate(tokenizer))
    module = VerifierModule(hp, tokenizer.vocab_size)
    fit(module, train_dl, val_dl, hp.epochs)


if __name__ == "__main__":
    main()
