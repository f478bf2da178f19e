import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

WORDS = ("hi hello i want to book a table for two people tonight at seven "
         "sure which restaurant do you prefer italian place downtown please "
         "thanks anything else no that is all great your booking is confirmed "
         "what time would like cheap expensive north south hotel taxi train").split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[USR]", "[SYS]"]


def write_vocab(path):
    with open(path, "w") as fh:
        for tok in SPECIAL + sorted(set(WORDS)):
            fh.write(tok + "\n")
    return path


@dataclass
class Turn:
    speaker: str
    text: str


@dataclass
class Example:
    history: list
    candidates: list
    label: int = 0
    meta: dict = field(default_factory=dict)


def fake_utterance(rng, lo=3, hi=12):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def make_examples(n, n_cands=4, seed=SEED):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        n_turns = rng.randint(2, 6)
        hist = [Turn("[USR]" if t % 2 == 0 else "[SYS]", fake_utterance(rng)) for t in range(n_turns)]
        gold = fake_utterance(rng)
        negs = [fake_utterance(rng) for _ in range(n_cands - 1)]
        cands = negs[:]
        pos = rng.randrange(n_cands)
        cands.insert(pos, gold)
        out.append(Example(hist, cands, pos, {"dialog_id": f"dlg_{i:04d}"}))
    return out


def flatten_history(turns, max_turns=4):
    kept = turns[-max_turns:]
    return " ".join(f"{t.speaker} {t.text}" for t in kept)


class ResponseSelectionDataset(Dataset):
    def __init__(self, examples, tokenizer, max_len=48):
        self.examples = examples
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        ex = self.examples[idx]
        ctx = flatten_history(ex.history)
        enc = self.tok(
            [ctx] * len(ex.candidates),
            ex.candidates,
            truncation="only_first",
            max_length=self.max_len,
            padding=True,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "token_type_ids": enc["token_type_ids"],
            "label": torch.tensor(ex.label),
        }


class CrossEncoderRanker(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.score = nn.Linear(config.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        bsz, n_cands, seqlen = input_ids.shape
        flat = lambda x: x.view(bsz * n_cands, seqlen)
        out = self.encoder(
            input_ids=flat(input_ids),
            attention_mask=flat(attention_mask),
            token_type_ids=flat(token_type_ids),
        )
        cls = out.last_hidden_state[:, 0]
        return self.score(cls).view(bsz, n_cands)


def train_epoch(model, loader, optim):
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    total = 0.0
    for step, batch in enumerate(loader):
        logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        loss = loss_fn(logits, batch["label"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
        if step % 5 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")
    return total / max(1, len(loader))


def main():
    vocab_path = write_vocab(os.path.join(HERE, "vocab.txt"))
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
    tokenizer.add_special_tokens({"additional_special_tokens": ["[USR]", "[SYS]"]})

    cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = CrossEncoderRanker(cfg)
    train = ResponseSelectionDataset(make_examples(40), tokenizer, max_len=48)
    loader = DataLoader(train, batch_size=8, shuffle=True)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(2):
        avg = train_epoch(model, loader, optim)
        print(f"epoch {epoch} avg loss {avg:.4f}")


if __name__ == "__main__":
    main()
