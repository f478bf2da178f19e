"""Text-aware knowledge tracing: will the student answer the next question correctly?

History encoder: BiLSTM over (skill, correct) interaction tokens.
Item encoder:    tiny BERT over the question stem ([CLS] vector).
Both are fused by an MLP that outputs a single correctness logit.
"""
import os
import random
from dataclasses import dataclass, field
from itertools import chain, groupby, islice

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

SUBJECTS = ["fractions", "decimals", "ratios", "angles", "area", "perimeter", "equations", "graphs"]
VERBS = ["compute", "simplify", "compare", "estimate", "solve", "convert", "find", "measure"]
FILLER = ["the", "a", "of", "value", "shape", "given", "each", "what", "is", "two", "three", "and"]


@dataclass
class FusionKTConfig:
    n_skills: int = len(SUBJECTS)
    skill_emb: int = 24
    lstm_hidden: int = 48
    bidirectional: bool = True
    text_hidden: int = 32
    max_text_len: int = 16
    history_len: int = 20
    fusion_hidden: int = 64
    batch_size: int = 8
    lr: float = 3e-4
    steps: int = 30
    bert_kwargs: dict = field(default_factory=lambda: dict(
        num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=64, hidden_dropout_prob=0.1))


def write_vocab(path):
    words = sorted(set(chain(SUBJECTS, VERBS, FILLER)))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words + [str(d) for d in range(10)]) + "\n")


def make_bank(rng, n_items=60):
    bank = []
    for qid in range(n_items):
        skill = qid % len(SUBJECTS)
        stem = " ".join([rng.choice(VERBS), "the", SUBJECTS[skill]] +
                        rng.sample(FILLER, 4) + [str(rng.randrange(10))])
        bank.append({"qid": qid, "skill": skill, "stem": stem})
    return bank


def make_log(rng, bank, n_students=40):
    for sid in range(n_students):
        mastery = [rng.random() for _ in SUBJECTS]
        for _ in range(rng.randint(25, 60)):
            item = rng.choice(bank)
            yield sid, item["qid"], item["skill"], int(rng.random() < mastery[item["skill"]])


def windows(log, cfg):
    for sid, rows in groupby(log, key=lambda r: r[0]):
        rows = list(rows)
        for t in range(cfg.history_len, len(rows)):
            hist = rows[t - cfg.history_len:t]
            yield ([r[2] * 2 + r[3] + 1 for r in hist], rows[t][1], float(rows[t][3]))


def batched(it, n):
    it = iter(it)
    while chunk := list(islice(it, n)):
        yield chunk


class FusionKT(nn.Module):
    def __init__(self, cfg: FusionKTConfig, vocab_size: int):
        super().__init__()
        self.inter_emb = nn.Embedding(2 * cfg.n_skills + 1, cfg.skill_emb, padding_idx=0)
        self.history = nn.LSTM(cfg.skill_emb, cfg.lstm_hidden, batch_first=True,
                               bidirectional=cfg.bidirectional)
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.text_hidden, **cfg.bert_kwargs)
        self.item_encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.fusion = nn.Sequential(
            nn.Linear(cfg.lstm_hidden + cfg.text_hidden, cfg.fusion_hidden),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(cfg.fusion_hidden, 1),
        )

    def forward(self, history, input_ids, attention_mask):
        out, _ = self.history(self.inter_emb(history))
        student_state = out[:, -1]
        text = self.item_encoder(input_ids=input_ids, attention_mask=attention_mask)
        item_vec = text.last_hidden_state[:, 0]
        return self.fusion(torch.cat([student_state, item_vec], dim=-1)).squeeze(-1)


def encode_batch(chunk, bank, tokenizer, cfg):
    hist, qids, labels = zip(*chunk)
    enc = tokenizer([bank[q]["stem"] for q in qids], padding="max_length", truncation=True,
                    max_length=cfg.max_text_len, return_tensors="pt")
    return {
        "history": torch.tensor(hist, dtype=torch.long),
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "label": torch.tensor(labels),
    }


def main():
    rng = random.Random(2024)
    torch.manual_seed(2024)
    cfg = FusionKTConfig()

    vocab_path = os.path.join(HERE, "stem_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    bank = make_bank(rng)
    examples = list(windows(make_log(rng, bank), cfg))
    rng.shuffle(examples)
    print(f"{len(examples)} prediction windows, vocab {tokenizer.vocab_size}")

    model = FusionKT(cfg, tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    model.train()
    for step, chunk in enumerate(islice(batched(examples, cfg.batch_size), cfg.steps)):
        batch = encode_batch(chunk, bank, tokenizer, cfg)
        logits = model(batch["history"], batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(logits, batch["label"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            acc = ((logits > 0).float() == batch["label"]).float().mean().item()
            print(f"step {step:3d} loss {loss.item():.4f} acc {acc:.2f}")


if __name__ == "__main__":
    main()
