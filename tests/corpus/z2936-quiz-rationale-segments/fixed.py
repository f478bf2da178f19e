import os
import random
from dataclasses import dataclass, field
from itertools import islice, chain

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = [
    "what", "is", "the", "value", "of", "x", "if", "plus", "minus", "equals",
    "two", "three", "four", "five", "six", "seven", "solve", "for", "y", "times",
    "divide", "by", "because", "both", "sides", "subtract", "add", "fraction",
    "half", "quarter", "area", "circle", "radius", "square", "root", "slope",
    "line", "point", "angle", "degrees", "triangle", "sum", "product", "so",
]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        for tok in chain(specials, WORDS):
            fh.write(tok + "\n")


@dataclass
class QuizItem:
    question: str
    choice: str
    rationale: str
    is_correct: int
    skill_id: int


@dataclass
class EncoderSettings:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 96
    n_segments: int = 3
    n_skills: int = 12
    extra: dict = field(default_factory=dict)


def random_sentence(lo, hi):
    return " ".join(random.choice(WORDS) for _ in range(random.randint(lo, hi)))


def make_items(n):
    items = []
    for _ in range(n):
        items.append(
            QuizItem(
                question=random_sentence(6, 14),
                choice=random_sentence(1, 4),
                rationale=random_sentence(4, 10),
                is_correct=random.randint(0, 1),
                skill_id=random.randrange(12),
            )
        )
    return items


def encode_item(tok, item, max_len):
    parts = [item.question, item.choice, item.rationale]
    ids = [tok.cls_token_id]
    segs = [0]
    for seg_idx, text in enumerate(parts):
        piece = tok.encode(text, add_special_tokens=False)
        ids.extend(piece + [tok.sep_token_id])
        segs.extend([seg_idx] * (len(piece) + 1))
    ids, segs = ids[:max_len], segs[:max_len]
    return ids, segs


def batches(iterable, size):
    it = iter(iterable)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def collate(tok, chunk, max_len):
    encoded = [encode_item(tok, it, max_len) for it in chunk]
    longest = max(len(ids) for ids, _ in encoded)
    input_ids, token_type_ids, attention_mask = [], [], []
    for ids, segs in encoded:
        pad = longest - len(ids)
        input_ids.append(ids + [tok.pad_token_id] * pad)
        token_type_ids.append(segs + [0] * pad)
        attention_mask.append([1] * len(ids) + [0] * pad)
    return {
        "input_ids": torch.tensor(input_ids),
        "token_type_ids": torch.tensor(token_type_ids),
        "attention_mask": torch.tensor(attention_mask),
        "skill": torch.tensor([it.skill_id for it in chunk]),
        "label": torch.tensor([it.is_correct for it in chunk], dtype=torch.float),
    }


class AnswerScorer(nn.Module):
    def __init__(self, cfg: EncoderSettings, vocab_size: int):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads,
            intermediate_size=cfg.ffn,
            max_position_embeddings=cfg.max_positions,
            type_vocab_size=cfg.n_segments,
        )
        self.encoder = BertModel(bert_cfg)
        self.skill_emb = nn.Embedding(cfg.n_skills, cfg.hidden)
        self.head = nn.Linear(2 * cfg.hidden, 1)

    def forward(self, batch):
        out = self.encoder(
            input_ids=batch["input_ids"],
            token_type_ids=batch["token_type_ids"],
            attention_mask=batch["attention_mask"],
        )
        cls = out.last_hidden_state[:, 0]
        feats = torch.cat([cls, self.skill_emb(batch["skill"])], dim=-1)
        return self.head(feats).squeeze(-1)


def main():
    vocab_path = os.path.join(HERE, "quiz_vocab.txt")
    write_vocab(vocab_path)
    tok = BertTokenizer(vocab_path)

    cfg = EncoderSettings()
    model = AnswerScorer(cfg, vocab_size=tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    items = make_items(64)
    for epoch in range(2):
        random.shuffle(items)
        total = 0.0
        for step, chunk in enumerate(batches(items, 16)):
            batch = collate(tok, chunk, cfg.max_positions)
            logits = model(batch)
            loss = loss_fn(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.4f}")


if __name__ == "__main__":
    main()
